from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.models import QueueState, Triggered
from releasegate.integrations.jenkins.tests.conftest import ConnectClient, RecordingTransport
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

WEB = "mall/web-frontend"


def test_it_returns_the_new_queue_item_named_in_the_location(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    triggered = client.trigger(WEB, {"BRANCH": "release/2026.11", "ENV": "staging"})

    assert triggered == Triggered(queue_id=1, merged=False)
    assert [(item["id"], item["job"]) for item in sim.queue()] == [(1, WEB)]


def test_it_lets_jenkins_fill_in_defaults_for_omitted_parameters(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger(WEB, {"ENV": "staging"})

    assert sim.builds(WEB)[0]["parameters"] == {
        "BRANCH": "master",
        "ENV": "staging",
        "RELEASE_TYPE": "全量",
    }


def test_it_sends_booleans_as_jenkins_reads_them(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger("payment/gateway", {"DRY_RUN": True})

    assert sim.builds("payment/gateway")[0]["parameters"]["DRY_RUN"] is True


def test_it_sends_values_in_the_body_not_the_url(
    jenkins: JenkinsSimulator, connect: ConnectClient, recording: RecordingTransport
) -> None:
    connect(jenkins, transport=recording).trigger(WEB, {"BRANCH": "master", "ENV": "prod"})

    (sent,) = recording.sent
    assert dict(sent.url.params) == {"delay": "0sec"}
    assert parse_qs(sent.content.decode()) == {"BRANCH": ["master"], "ENV": ["prod"]}


def test_it_uses_build_for_a_job_without_parameters(
    jenkins: JenkinsSimulator,
    sim: SimulatorControl,
    connect: ConnectClient,
    recording: RecordingTransport,
) -> None:
    triggered = connect(jenkins, transport=recording).trigger("ops/nightly-backup", None)

    assert recording.paths() == ["POST /job/ops/job/nightly-backup/build"]
    assert recording.sent[0].content == b""
    assert sim.builds("ops/nightly-backup")[0]["queue_id"] == triggered.queue_id


def test_it_sends_the_delay_with_its_unit(
    jenkins: JenkinsSimulator, connect: ConnectClient, recording: RecordingTransport
) -> None:
    client = connect(jenkins, transport=recording)

    client.trigger(WEB, {"ENV": "prod"})
    client.trigger(WEB, {"ENV": "staging"}, delay_seconds=30)

    # Jenkins reads a bare number as milliseconds (TimeDuration.fromString).
    assert [sent.url.params["delay"] for sent in recording.sent] == ["0sec", "30sec"]


def test_it_starts_at_once_despite_the_quiet_period(
    start_jenkins: Callable[..., JenkinsSimulator], connect: ConnectClient
) -> None:
    client = connect(start_jenkins(quiet_period=5))

    triggered = client.trigger(WEB, {"ENV": "prod"})

    item = client.queue_item(triggered.queue_id)
    assert item is not None
    assert (item.state, item.build_number) == (QueueState.STARTED, 1)


def test_it_waits_as_many_seconds_as_asked(client: JenkinsClient, sim: SimulatorControl) -> None:
    triggered = client.trigger(WEB, {"ENV": "prod"}, delay_seconds=10)

    sim.advance(9)
    waiting = client.queue_item(triggered.queue_id)
    sim.advance(1.5)
    started = client.queue_item(triggered.queue_id)

    assert waiting is not None
    assert waiting.state is QueueState.WAITING
    assert started is not None
    assert (started.state, started.build_number) == (QueueState.STARTED, 1)
