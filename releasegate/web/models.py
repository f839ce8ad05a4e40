"""The people who use ReleaseGate: a Django user, and who they are in DingTalk."""

from __future__ import annotations

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

    def __str__(self) -> str:
        return f"{self.user} ({self.dingtalk_user_id or '-'})"


def dingtalk_user_id(user: AbstractBaseUser | AnonymousUser) -> str:
    """The user's DingTalk user id, or "" when they have none (or no profile yet)."""
    if not user.is_authenticated:
        return ""
    profile = Profile.objects.filter(user_id=user.pk).first()
    return profile.dingtalk_user_id if profile else ""
