"""Basic auth with a real password needs a CSRF crumb on every POST, and since Jenkins
2.176.2 the crumb is bound to the HTTP session it was issued in (SECURITY-626)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from releasegate.integrations.jenkins.client import JenkinsClient, PasswordAuth
from releasegate.integrations.jenkins.errors import UnexpectedResponse
from releasegate.integrations.jenkins.tests.conftest import ConnectClient, RecordingTransport
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

PASSWORD = PasswordAuth("releasegate", "releasegate-demo-password")
TRIGGER = "POST /job/mall/job/web-frontend/buildWithParameters"
CRUMB = "GET /crumbIssuer/api/json"


def test_it_fetches_one_crumb_for_many_posts(
    jenkins: JenkinsSimulator,
    sim: SimulatorControl,
    connect: ConnectClient,
    recording: RecordingTransport,
) -> None:
    client = connect(jenkins, PASSWORD, transport=recording)

    client.trigger("mall/web-frontend", {"ENV": "prod"})
    client.trigger("mall/web-frontend", {"ENV": "staging"}, delay_seconds=30)

    assert recording.paths() == [CRUMB, TRIGGER, TRIGGER]
    assert [item["parameters"]["ENV"] for item in sim.queue()] == ["prod", "staging"]


def test_it_sends_the_crumb_with_the_session_cookie_it_was_issued_in(
    jenkins: JenkinsSimulator, connect: ConnectClient, recording: RecordingTransport
) -> None:
    client = connect(jenkins, PASSWORD, transport=recording)

    client.trigger("ops/nightly-backup", None)

    crumb_request = recording.sent[0]
    post = recording.sent[1]
    assert "Cookie" not in crumb_request.headers
    assert post.headers["Jenkins-Crumb"]
    assert post.headers["Cookie"].startswith("JSESSIONID.")


def test_it_fetches_a_fresh_crumb_after_jenkins_expired_the_session(
    jenkins: JenkinsSimulator,
    sim: SimulatorControl,
    connect: ConnectClient,
    recording: RecordingTransport,
) -> None:
    client = connect(jenkins, PASSWORD, transport=recording)
    client.trigger("mall/web-frontend", {"ENV": "prod"})
    first_crumb = recording.sent[1].headers["Jenkins-Crumb"]

    sim.expire_sessions()
    client.trigger("mall/web-frontend", {"ENV": "staging"}, delay_seconds=30)

    # The refused POST took no effect, so sending it again cannot queue a second build.
    assert recording.paths() == [CRUMB, TRIGGER, TRIGGER, CRUMB, TRIGGER]
    assert recording.sent[-1].headers["Jenkins-Crumb"] != first_crumb
    assert [item["parameters"]["ENV"] for item in sim.queue()] == ["prod", "staging"]


def test_it_reads_without_a_crumb(
    jenkins: JenkinsSimulator, connect: ConnectClient, recording: RecordingTransport
) -> None:
    client = connect(jenkins, PASSWORD, transport=recording)

    client.list_jobs()
    client.builds("mall/web-frontend")

    assert CRUMB not in recording.paths()


def test_it_needs_no_crumb_when_csrf_protection_is_off(
    start_jenkins: Callable[..., JenkinsSimulator],
    control_of: Callable[[JenkinsSimulator], SimulatorControl],
    connect: ConnectClient,
    recording: RecordingTransport,
) -> None:
    simulator = start_jenkins(csrf=False)
    client = connect(simulator, PASSWORD, transport=recording)

    client.trigger("mall/web-frontend", {"ENV": "prod"})
    client.trigger("mall/web-frontend", {"ENV": "staging"}, delay_seconds=30)

    # The crumb issuer answers 404 when CSRF protection is off; asked once, then trusted.
    assert recording.paths() == [CRUMB, TRIGGER, TRIGGER]
    assert "Jenkins-Crumb" not in recording.sent[1].headers
    assert len(control_of(simulator).queue()) == 2


def test_it_raises_unexpected_response_for_a_crumb_it_cannot_read() -> None:
    login_page = httpx.MockTransport(
        lambda request: httpx.Response(200, text="<html>Sign in [Jenkins]</html>")
    )

    with (
        JenkinsClient("http://jenkins.example.com/", PASSWORD, transport=login_page) as client,
        pytest.raises(UnexpectedResponse, match="crumb issuer"),
    ):
        client.trigger("ops/nightly-backup", None)
