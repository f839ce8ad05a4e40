from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from pytest_django.fixtures import Settings

from releasegate.config import LocalGroup, LocalOptions
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


@pytest.fixture
def local_approvals(settings: Settings) -> None:
    """ReleaseGate's own approvals on: the mall's releases need two of lisi, wangwu and
    zhaoliu; requests made from the dashboard start there."""
    group = LocalGroup(project="mall", approvers=["lisi", "wangwu", "zhaoliu"], required=2)
    options = settings.CONFIG.options.model_copy(update={"local": LocalOptions(groups=[group])})
    settings.CONFIG = dataclasses.replace(settings.CONFIG, options=options)


from releasegate.releases.tests.engine_harness import engine_options, harness  # noqa: E402, F401
