"""The API's callers: people with a token, a DingTalk user id and, for some, the
permission to cancel; ReleaseGate configured for the simulators over real sockets."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission, User
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from releasegate.api.tokens import issue
from releasegate.cli.demo import DEMO_DINGTALK, DEMO_TOKEN, DEMO_USER
from releasegate.config import JenkinsSettings, LocalGroup, LocalOptions, load
from releasegate.releases.tests.engine_harness import Harness
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.web.models import Profile


def person(username: str, dingtalk_user_id: str = "", *permissions: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", "pw")
    Profile.objects.create(user=user, dingtalk_user_id=dingtalk_user_id)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue(user)}")
    return client


@pytest.fixture
def tester() -> User:
    """Zhang San, a tester who asks for releases."""
    return person("zhangsan", "zhangsan")


@pytest.fixture
def api(tester: User) -> APIClient:
    """The API as Zhang San calls it, with his token."""
    return token_client(tester)


@pytest.fixture
def configure_dingtalk(settings: Settings) -> Callable[[DingTalkSimulator], None]:
    """`configure_dingtalk(simulator)`: ReleaseGate talks to that simulator as DingTalk."""

    def configure(simulator: DingTalkSimulator) -> None:
        url = simulator.url
        changed = {**DEMO_DINGTALK, "DINGTALK_API_BASE": url, "DINGTALK_OAPI_BASE": url}
        settings.CONFIG = dataclasses.replace(settings.CONFIG, dingtalk=load(changed).dingtalk)

    return configure


@pytest.fixture
def local_approvals(settings: Settings) -> None:
    """ReleaseGate's own approvals on: the mall's releases need two of lisi, wangwu and
    zhaoliu; requests start there."""
    group = LocalGroup(project="mall", approvers=["lisi", "wangwu", "zhaoliu"], required=2)
    options = settings.CONFIG.options.model_copy(update={"local": LocalOptions(groups=[group])})
    settings.CONFIG = dataclasses.replace(settings.CONFIG, options=options)


@pytest.fixture
def jenkins_of_harness(harness: Harness, settings: Settings) -> Harness:  # noqa: F811
    """The engine harness, with ReleaseGate configured for its simulated Jenkins."""
    jenkins = JenkinsSettings(url=harness._url, user=DEMO_USER, token=DEMO_TOKEN, password=None)
    settings.CONFIG = dataclasses.replace(settings.CONFIG, jenkins=jenkins)
    return harness


from releasegate.releases.tests.engine_harness import engine_options, harness  # noqa: E402, F401
