"""The approval platforms' names as people read them, in their language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NAMES: dict[str, Promise] = {
    "dingtalk": _("DingTalk"),
    "feishu": _("Feishu"),
    "wecom": _("WeCom"),
    "local": _("ReleaseGate"),
}


def platform_name(provider: str) -> str:
    """The platform's readable name; its registry name when it has none."""
    return str(NAMES.get(provider, provider))
