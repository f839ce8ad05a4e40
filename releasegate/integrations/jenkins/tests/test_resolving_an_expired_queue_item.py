"""Jenkins keeps a left queue item for five minutes (Queue.leftItems, expireAfterWrite);
after that the build is found through the `queueId` every Run exports."""

from __future__ import annotations

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.models import QueueItem, QueueState
from releasegate.simulators.jenkins.control import SimulatorControl

WEB = "mall/web-frontend"


def test_it_forgets_an_item_five_minutes_after_it_left(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    triggered = client.trigger(WEB, {"ENV": "prod"})

    sim.advance(299)
    remembered = client.queue_item(triggered.queue_id)
    sim.advance(2)
    forgotten = client.queue_item(triggered.queue_id)

    assert remembered is not None
    assert remembered.build_number == 1
    assert forgotten is None


def test_it_resolves_an_expired_item_to_the_build_carrying_its_queue_id(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    first = client.trigger(WEB, {"ENV": "prod"})
    sim.advance(5)
    second = client.trigger(WEB, {"ENV": "staging"})
    sim.advance(301)

    resolved = client.resolve_queue_item(WEB, first.queue_id)

    assert client.queue_item(first.queue_id) is None
    assert resolved.state is QueueState.STARTED
    assert resolved.id == first.queue_id
    assert resolved.build_number == 1  # not the newest build, #2 of item second
    assert resolved.build_url is not None
    assert resolved.build_url.endswith("/job/mall/job/web-frontend/1/")
    assert client.resolve_queue_item(WEB, second.queue_id).build_number == 2


def test_it_resolves_a_remembered_item_without_scanning_builds(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    triggered = client.trigger(WEB, {"ENV": "prod"}, delay_seconds=30)
    before = client.request_count

    resolved = client.resolve_queue_item(WEB, triggered.queue_id)

    assert resolved.state is QueueState.WAITING
    assert client.request_count == before + 1


def test_it_resolves_a_cancelled_item_that_expired_to_unknown(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    triggered = client.trigger(WEB, {"ENV": "prod"}, delay_seconds=30)
    client.cancel_queue_item(triggered.queue_id)
    cancelled = client.resolve_queue_item(WEB, triggered.queue_id)

    sim.advance(301)

    assert cancelled.state is QueueState.CANCELLED
    assert client.resolve_queue_item(WEB, triggered.queue_id) == QueueItem(
        id=triggered.queue_id, state=QueueState.UNKNOWN
    )


def test_it_resolves_an_id_no_build_carries_to_unknown(client: JenkinsClient) -> None:
    client.trigger(WEB, {"ENV": "prod"})

    resolved = client.resolve_queue_item(WEB, 999)

    assert resolved == QueueItem(id=999, state=QueueState.UNKNOWN)
