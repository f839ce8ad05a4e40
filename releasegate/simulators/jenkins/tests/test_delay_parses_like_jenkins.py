"""`delay`: TimeDuration.fromString, where a bare number means milliseconds."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.parameters import parse_delay
from releasegate.simulators.jenkins.responses import JenkinsFailure
from releasegate.simulators.jenkins.scenario import Scenario
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import queue_id, queue_item, trigger
from releasegate.simulators.jenkins.tests.conftest import Connect, Control


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("0sec", 0.0),
        ("10sec", 10.0),
        ("10secs", 10.0),
        (" 7 sec ", 7.0),
        ("10", 0.01),
        ("2500", 2.5),
        ("+3sec", 3.0),
        (None, None),
    ],
)
def test_it_reads_seconds_only_with_a_sec_suffix(raw: str | None, seconds: float | None) -> None:
    assert parse_delay(raw) == seconds


@pytest.mark.parametrize("raw", ["soon", "10s", "1_000", "1.5sec", ""])
def test_it_refuses_what_is_not_a_whole_number(raw: str) -> None:
    with pytest.raises(JenkinsFailure, match="Invalid time duration value"):
        parse_delay(raw)


def test_it_waits_the_delay_before_starting(api: httpx.Client, sim: SimulatorControl) -> None:
    response = trigger(api, "mall/web-frontend", delay="10sec")

    assert queue_item(api, queue_id(response))["_class"] == "hudson.model.Queue$WaitingItem"
    sim.advance(9)
    assert queue_item(api, queue_id(response))["_class"] == "hudson.model.Queue$WaitingItem"
    sim.advance(1.5)
    assert queue_item(api, queue_id(response))["executable"]["number"] == 1


def test_it_starts_at_once_for_a_bare_ten_which_is_ten_milliseconds(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect, control_of: Control
) -> None:
    jenkins = start_jenkins(quiet_period=5)
    api, sim = connect(jenkins), control_of(jenkins)

    response = trigger(api, "mall/web-frontend", delay="10")
    sim.advance(0.1)

    assert queue_item(api, queue_id(response))["_class"] == "hudson.model.Queue$LeftItem"


def test_it_answers_an_unparsable_delay_with_an_error(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    response = trigger(api, "mall/web-frontend", delay="soon")

    assert response.status_code == 500
    assert "Invalid time duration value: soon" in response.text
    assert sim.queue() == []


def test_it_waits_the_quiet_period_when_no_delay_is_given(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect, control_of: Control
) -> None:
    jenkins = start_jenkins(quiet_period=5)
    api, sim = connect(jenkins), control_of(jenkins)

    response = trigger(api, "mall/web-frontend")
    item = queue_item(api, queue_id(response))

    assert item["_class"] == "hudson.model.Queue$WaitingItem"
    assert item["timestamp"] - item["inQueueSince"] == 5000
    sim.advance(5.1)
    assert queue_item(api, queue_id(response))["executable"]["number"] == 1


def test_it_defaults_the_quiet_period_to_five_seconds() -> None:
    assert Scenario().quiet_period == 5.0


def test_it_prefers_the_job_quiet_period_to_the_global_one(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    jenkins = start_jenkins(quiet_period=5, jobs=[{"path": "quick", "quiet_period": 1}])
    api = connect(jenkins)

    item = queue_item(api, queue_id(api.post("job/quick/build")))

    assert item["timestamp"] - item["inQueueSince"] == 1000
