from __future__ import annotations

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.models import QueueState
from releasegate.simulators.jenkins.control import SimulatorControl

WEB = "mall/web-frontend"


def test_it_cancels_a_waiting_item(client: JenkinsClient, sim: SimulatorControl) -> None:
    triggered = client.trigger(WEB, {"ENV": "prod"}, delay_seconds=30)

    assert client.cancel_queue_item(triggered.queue_id) is True

    item = client.queue_item(triggered.queue_id)
    assert item is not None
    assert (item.state, item.build_number) == (QueueState.CANCELLED, None)


def test_it_never_starts_the_cancelled_build(client: JenkinsClient, sim: SimulatorControl) -> None:
    triggered = client.trigger(WEB, {"ENV": "prod"}, delay_seconds=30)
    client.cancel_queue_item(triggered.queue_id)

    sim.advance(60)

    assert sim.builds() == []


def test_it_answers_false_when_cancelling_again(client: JenkinsClient) -> None:
    triggered = client.trigger(WEB, {"ENV": "prod"}, delay_seconds=30)
    client.cancel_queue_item(triggered.queue_id)

    assert client.cancel_queue_item(triggered.queue_id) is False


def test_it_answers_false_for_an_item_that_already_started(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    triggered = client.trigger(WEB, {"ENV": "prod"})

    assert client.cancel_queue_item(triggered.queue_id) is False
    assert sim.builds(WEB)[0]["building"] is True


def test_it_answers_false_for_an_item_that_never_existed(client: JenkinsClient) -> None:
    assert client.cancel_queue_item(999) is False
