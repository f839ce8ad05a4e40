from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from pytest_django.fixtures import Settings

from releasegate.web.models import Profile


@pytest.fixture(autouse=True)
def quick_passwords(settings: Settings) -> None:
    # The default hasher is slow on purpose; these tests log in dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def person() -> Callable[..., User]:
    """`person(login, dingtalk_id, *permissions, **fields)`: a dashboard user."""

    def make(login: str, dingtalk_id: str = "", *permissions: str, **fields: object) -> User:
        user = User.objects.create_user(login, password="pw-" + login, **fields)  # type: ignore[arg-type]
        if dingtalk_id:
            Profile.objects.create(user=user, dingtalk_user_id=dingtalk_id)
        for codename in permissions:
            user.user_permissions.add(Permission.objects.get(codename=codename))
        return user

    return make


@pytest.fixture
def signed_in(client: Client, person: Callable[..., User]) -> Client:
    """The test client, logged in as 张三 (DingTalk id zhangsan), who may not cancel."""
    client.force_login(person("zhangsan", "zhangsan", first_name="张三"))
    return client


from releasegate.releases.tests.engine_harness import engine_options, harness  # noqa: E402, F401
