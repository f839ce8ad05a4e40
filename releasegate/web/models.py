"""The people who use ReleaseGate: a Django user, and who they are on each approval
platform."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # The DingTalk userid (not the unionid): requests made here are started in DingTalk
    # with this person as the originator, and releases list them by it.
    dingtalk_user_id = models.CharField(_("DingTalk user id"), max_length=128, blank=True)
    # The Feishu open_id (ou_…): what Feishu's approval and message calls name people by.
    feishu_user_id = models.CharField(_("Feishu open_id"), max_length=128, blank=True)
    # The WeCom userid (成员 UserID in the admin).
    wecom_user_id = models.CharField(_("WeCom user id"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.dingtalk_user_id or self.feishu_user_id or '-'})"


def platform_user_id(user: AbstractBaseUser | AnonymousUser, provider: str) -> str:
    """Who the user is on the approval platform `provider`, or "" when they have no id
    there (or no profile yet). In ReleaseGate's own approvals they are their username."""
    return platform_user_ids(user, [provider])[provider]


def platform_user_ids(
    user: AbstractBaseUser | AnonymousUser, providers: Iterable[str]
) -> dict[str, str]:
    """`platform_user_id` for each of `providers`, from one read of the profile."""
    wanted = list(providers)
    if not user.is_authenticated:
        return dict.fromkeys(wanted, "")
    profile = None
    if any(provider != "local" for provider in wanted):
        profile = Profile.objects.filter(user_id=user.pk).first()
    ids = {"local": user.get_username()}
    if profile is not None:
        ids |= {
            "dingtalk": profile.dingtalk_user_id,
            "feishu": profile.feishu_user_id,
            "wecom": profile.wecom_user_id,
        }
    return {provider: ids.get(provider, "") for provider in wanted}
