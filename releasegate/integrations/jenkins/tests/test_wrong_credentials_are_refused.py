from __future__ import annotations

import pytest

from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsAuth, PasswordAuth
from releasegate.integrations.jenkins.errors import AuthenticationFailed
from releasegate.integrations.jenkins.tests.conftest import ConnectClient
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

WRONG = [
    pytest.param(ApiTokenAuth("releasegate", "not-the-demo-token"), id="wrong-token"),
    pytest.param(PasswordAuth("releasegate", "not-the-demo-password"), id="wrong-password"),
    pytest.param(ApiTokenAuth("nobody-at-all", "some-unknown-token"), id="unknown-user"),
]


@pytest.mark.parametrize("auth", WRONG)
def test_it_raises_authentication_failed_when_reading(
    jenkins: JenkinsSimulator, connect: ConnectClient, auth: JenkinsAuth
) -> None:
    with pytest.raises(AuthenticationFailed) as raised:
        connect(jenkins, auth).list_jobs()

    assert raised.value.status == 401
    assert raised.value.permanent
    assert f"Invalid password/token for user: {auth.user}" in str(raised.value)


@pytest.mark.parametrize("auth", WRONG)
def test_it_raises_authentication_failed_when_triggering(
    jenkins: JenkinsSimulator, sim: SimulatorControl, connect: ConnectClient, auth: JenkinsAuth
) -> None:
    with pytest.raises(AuthenticationFailed) as raised:
        connect(jenkins, auth).trigger("ops/nightly-backup", None)

    assert raised.value.status == 401
    assert sim.queue() == []
