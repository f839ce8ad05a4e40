"""The approval platforms, by name, in the order new release requests prefer them (the
first enabled one that takes requests gets them), and the URLs each mounts under
`/<name>/`.

ReleaseGate's own approvals come first: a company that configures approver groups wants
its requests decided there, and its chat platform (the next one enabled) used to tell
people."""

from __future__ import annotations

from releasegate.config import Config
from releasegate.integrations.dingtalk import provider as dingtalk
from releasegate.integrations.feishu import provider as feishu
from releasegate.integrations.wecom import provider as wecom
from releasegate.platforms import local
from releasegate.releases.approvals.registry import Provider, ProviderFactory


def _local(config: Config) -> Provider | None:
    chats = [factory for name, factory in PLATFORMS.items() if name != "local"]
    return local.provider(config, chats)


PLATFORMS: dict[str, ProviderFactory] = {
    "local": _local,
    "dingtalk": dingtalk.provider,
    "feishu": feishu.provider,
    "wecom": wecom.provider,
}

URLS: dict[str, str] = {
    "dingtalk": "releasegate.integrations.dingtalk.urls",
    "feishu": "releasegate.integrations.feishu.urls",
    "wecom": "releasegate.integrations.wecom.urls",
}
