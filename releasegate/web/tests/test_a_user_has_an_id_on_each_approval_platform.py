"""Each user has an id on each approval platform, on their profile (DingTalk's userid);
in ReleaseGate's own approvals they are their login. That id is the originator of what
they request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from releasegate.web.models import Profile, platform_user_id

pytestmark = pytest.mark.django_db


def test_the_dingtalk_id_is_read_from_the_profile() -> None:
    user = User.objects.create_user("zhangsan")
    Profile.objects.create(user=user, dingtalk_user_id="manager4220")

    assert platform_user_id(user, "dingtalk") == "manager4220"


def test_in_releasegates_own_approvals_a_user_is_their_login() -> None:
    assert platform_user_id(User.objects.create_user("lisi"), "local") == "lisi"


def test_a_user_without_a_profile_or_a_platform_id_has_none() -> None:
    user = User.objects.create_user("lisi")

    assert platform_user_id(user, "dingtalk") == ""
    assert platform_user_id(user, "feishu") == ""
    assert platform_user_id(AnonymousUser(), "dingtalk") == ""
    assert platform_user_id(AnonymousUser(), "local") == ""
