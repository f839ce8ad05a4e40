"""Each user has a DingTalk user id on their profile: the originator of what they request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from releasegate.web.models import Profile, dingtalk_user_id

pytestmark = pytest.mark.django_db


def test_it_is_read_from_the_profile() -> None:
    user = User.objects.create_user("zhangsan")
    Profile.objects.create(user=user, dingtalk_user_id="manager4220")

    assert dingtalk_user_id(user) == "manager4220"


def test_a_user_without_a_profile_has_none() -> None:
    assert dingtalk_user_id(User.objects.create_user("lisi")) == ""
    assert dingtalk_user_id(AnonymousUser()) == ""
