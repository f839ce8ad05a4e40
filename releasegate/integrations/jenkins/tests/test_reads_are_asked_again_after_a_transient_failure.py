"""A read that meets a transient failure (a 503, a timeout, a dropped answer) is asked
again at once, three times in all; a write never is, and a permanent failure is not.
Found by the chaos run: each engine step makes a few reads, so with Jenkins failing one
call in three most steps failed and their retries ran out."""

from __future__ import annotations

import pytest

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.errors import JenkinsUnavailable, NotFound
from releasegate.lib.http import OutboundError
from releasegate.simulators.jenkins.control import SimulatorControl


def test_reads_succeed_through_occasional_503s(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    # The simulator's faults are seeded: this run of rolls fails some calls, never three
    # in a row.
    sim.set_faults(error_rate=0.3, methods=["GET"])

    for _ in range(6):
        client.queued_items("mall/web-frontend")

    counted = sim.requests()
    assert counted["faults"] > 0
    assert counted["total"] == 6 + counted["faults"]


def test_a_read_that_keeps_failing_gives_up_after_three_attempts(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    sim.set_faults(error_rate=1)

    with pytest.raises(JenkinsUnavailable) as raised:
        client.queued_items("mall/web-frontend")

    assert raised.value.permanent is False
    assert sim.requests()["total"] == 3


def test_a_permanent_failure_is_not_asked_again(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    with pytest.raises(NotFound):
        client.build("mall/no-such-job", 1)

    assert sim.requests()["total"] == 1


def test_a_trigger_is_never_sent_twice(client: JenkinsClient, sim: SimulatorControl) -> None:
    sim.set_faults(error_rate=1, methods=["POST"])

    with pytest.raises(JenkinsUnavailable):
        client.trigger("mall/web-frontend", {"BRANCH": "master"})

    assert sim.requests()["total"] == 1


def test_a_read_that_gets_no_answer_is_asked_again_too(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    sim.set_faults(timeout_rate=1, timeout_seconds=0.1, methods=["GET"])

    with pytest.raises(OutboundError) as raised:
        client.queued_items("mall/web-frontend")

    assert raised.value.permanent is False
    assert sim.requests()["by_fault"] == {"timeout": 3}
