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


# Where each platform's approvers decide, and the platforms where nothing else can
# decide for them (WeCom has no API that acts on its 审批 app's tasks).
APPROVAL_APPS: dict[str, Promise] = {
    "dingtalk": _("DingTalk's OA Approval (OA审批)"),
    "feishu": _("Feishu's Approval (审批)"),
    "wecom": _("WeCom's Approval app (审批)"),
}
DECIDED_ONLY_THERE = frozenset({"wecom"})
