"""The approval platforms, by name, in the order new release requests prefer them (the
first enabled one that takes requests gets them), and the URLs each mounts under
`/<name>/`."""

from __future__ import annotations

from releasegate.integrations.dingtalk import provider as dingtalk
from releasegate.releases.approvals.registry import ProviderFactory

PLATFORMS: dict[str, ProviderFactory] = {
    "dingtalk": dingtalk.provider,
}

URLS: dict[str, str] = {
    "dingtalk": "releasegate.integrations.dingtalk.urls",
}
