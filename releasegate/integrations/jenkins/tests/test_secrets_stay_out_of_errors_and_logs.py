from __future__ import annotations

import base64
import logging

import pytest

from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsAuth, PasswordAuth
from releasegate.integrations.jenkins.tests.conftest import ConnectClient
from releasegate.lib.http import OutboundError
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

WEB = "mall/web-frontend"
FAULTS = [
    {},
    {"error_rate": 1},
    {"reset_rate": 1},
    {"lost_response_rate": 1},
    {"timeout_rate": 1, "timeout_seconds": 1},
]


def secret_of(auth: JenkinsAuth) -> str:
    return auth.token if isinstance(auth, ApiTokenAuth) else auth.password


def forms_of(auth: JenkinsAuth) -> list[str]:
    """The secret itself and the Basic-auth header value it travels in."""
    secret = secret_of(auth)
    return [secret, base64.b64encode(f"{auth.user}:{secret}".encode()).decode()]


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param(ApiTokenAuth("releasegate", "releasegate-demo-token"), id="token"),
        pytest.param(PasswordAuth("releasegate", "releasegate-demo-password"), id="password"),
    ],
)
def test_it_keeps_the_secret_out_of_every_error_and_log_line(
    jenkins: JenkinsSimulator,
    sim: SimulatorControl,
    connect: ConnectClient,
    caplog: pytest.LogCaptureFixture,
    auth: JenkinsAuth,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = connect(jenkins, auth, timeout=0.2)
    errors: list[OutboundError] = []

    for faults in FAULTS:
        sim.set_faults(**faults)
        for call in (
            lambda: client.trigger(WEB, {"BRANCH": "no-such-branch"}),
            lambda: client.build(WEB, 99),
            lambda: client.list_jobs(),
        ):
            try:
                call()
            except OutboundError as exc:
                errors.append(exc)

    assert len(errors) == 14  # each faulty call, plus the bad choice and missing build
    assert "jenkins POST" in caplog.text
    for text in [caplog.text, *(str(e) for e in errors), *(repr(e) for e in errors)]:
        for form in forms_of(auth):
            assert form not in text


@pytest.mark.parametrize(
    "auth",
    [
        pytest.param(ApiTokenAuth("releasegate", "a-wrong-token-value"), id="token"),
        pytest.param(PasswordAuth("releasegate", "a-wrong-password-value"), id="password"),
    ],
)
def test_it_keeps_a_refused_secret_out_of_the_error_and_logs(
    jenkins: JenkinsSimulator,
    connect: ConnectClient,
    caplog: pytest.LogCaptureFixture,
    auth: JenkinsAuth,
) -> None:
    caplog.set_level(logging.DEBUG)

    with pytest.raises(OutboundError) as raised:
        connect(jenkins, auth).trigger(WEB, {"ENV": "prod"})

    assert raised.value.status == 401
    for form in forms_of(auth):
        assert form not in str(raised.value)
        assert form not in caplog.text
