from __future__ import annotations

import base64

from releasegate.integrations.jenkins.tests.conftest import ConnectClient, RecordingTransport
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator


def test_it_triggers_without_asking_for_a_crumb(
    jenkins: JenkinsSimulator,
    sim: SimulatorControl,
    connect: ConnectClient,
    recording: RecordingTransport,
) -> None:
    client = connect(jenkins, transport=recording)

    client.trigger("mall/web-frontend", {"ENV": "staging"})
    client.stop_build("mall/web-frontend", 1)

    assert recording.paths() == [
        "POST /job/mall/job/web-frontend/buildWithParameters",
        "POST /job/mall/job/web-frontend/1/stop",
    ]
    assert sim.builds("mall/web-frontend")[0]["result"] == "ABORTED"


def test_it_sends_the_token_as_basic_auth_without_a_session(
    jenkins: JenkinsSimulator, connect: ConnectClient, recording: RecordingTransport
) -> None:
    client = connect(jenkins, transport=recording)

    client.trigger("ops/nightly-backup", None)

    sent = recording.sent[0]
    expected = base64.b64encode(b"releasegate:releasegate-demo-token").decode()
    assert sent.headers["Authorization"] == f"Basic {expected}"
    assert "Jenkins-Crumb" not in sent.headers
    assert "Cookie" not in sent.headers
