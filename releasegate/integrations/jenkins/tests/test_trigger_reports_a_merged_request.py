"""Jenkins merges a request into an identical item still in the queue (same job, equal
parameter values as a set) and answers 303 with that item's Location (since 2.308)."""

from __future__ import annotations

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.models import Triggered
from releasegate.simulators.jenkins.control import SimulatorControl

WEB = "mall/web-frontend"
PROD = {"BRANCH": "master", "ENV": "prod"}


def test_it_reports_a_request_merged_into_an_identical_waiting_item(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    first = client.trigger(WEB, PROD, delay_seconds=30)

    second = client.trigger(WEB, PROD, delay_seconds=30)

    assert first.merged is False
    assert second == Triggered(queue_id=first.queue_id, merged=True)
    (item,) = sim.queue()
    assert item["causes"] == 2


def test_it_compares_parameters_as_a_set(client: JenkinsClient, sim: SimulatorControl) -> None:
    first = client.trigger(WEB, {"BRANCH": "master", "ENV": "prod"}, delay_seconds=30)

    second = client.trigger(WEB, {"ENV": "prod", "BRANCH": "master"}, delay_seconds=30)

    assert second == Triggered(queue_id=first.queue_id, merged=True)


def test_it_merges_a_request_that_spells_out_the_defaults(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    first = client.trigger(WEB, PROD, delay_seconds=30)

    second = client.trigger(WEB, {**PROD, "RELEASE_TYPE": "全量"}, delay_seconds=30)

    assert second == Triggered(queue_id=first.queue_id, merged=True)


def test_it_queues_a_new_item_for_different_parameters(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    first = client.trigger(WEB, PROD, delay_seconds=30)

    second = client.trigger(WEB, {**PROD, "ENV": "staging"}, delay_seconds=30)

    assert second == Triggered(queue_id=first.queue_id + 1, merged=False)
    assert len(sim.queue()) == 2


def test_it_queues_a_new_item_once_the_first_has_started(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    first = client.trigger(WEB, PROD)

    second = client.trigger(WEB, PROD)

    assert second == Triggered(queue_id=first.queue_id + 1, merged=False)


def test_it_cannot_see_a_merge_through_build(client: JenkinsClient, sim: SimulatorControl) -> None:
    first = client.trigger("ops/nightly-backup", None, delay_seconds=30)

    second = client.trigger("ops/nightly-backup", None, delay_seconds=30)

    # `/build` answers 201 with the same Location even when merged (JENKINS-66105).
    assert second == Triggered(queue_id=first.queue_id, merged=False)
    assert len(sim.queue()) == 1


def test_it_starts_a_merged_item_as_soon_as_the_sooner_request_asks(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    first = client.trigger(WEB, PROD, delay_seconds=30)

    second = client.trigger(WEB, PROD)

    # The waiting item's due time moves to the sooner of the two (Queue.scheduleInternal).
    assert second == Triggered(queue_id=first.queue_id, merged=True)
    assert [build["queue_id"] for build in sim.builds(WEB)] == [first.queue_id]
