from __future__ import annotations

from collections.abc import Callable

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.models import QueueItem, QueueState
from releasegate.integrations.jenkins.tests.conftest import ConnectClient
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

WEB = "mall/web-frontend"


def item_of(client: JenkinsClient, queue_id: int) -> QueueItem:
    item = client.queue_item(queue_id)
    assert item is not None
    return item


def test_it_shows_an_item_waiting_out_its_quiet_period(client: JenkinsClient) -> None:
    triggered = client.trigger(WEB, {"ENV": "staging"}, delay_seconds=30)

    item = item_of(client, triggered.queue_id)

    assert item.state is QueueState.WAITING
    assert item.why is not None
    assert item.why.startswith("In the quiet period.")
    assert item.build_number is None
    assert item.parameters == {"BRANCH": "master", "ENV": "staging", "RELEASE_TYPE": "全量"}
    assert item.task_url is not None
    assert item.task_url.endswith("/job/mall/job/web-frontend/")


def test_it_shows_an_item_blocked_behind_a_running_build_of_its_job(
    client: JenkinsClient,
) -> None:
    client.trigger(WEB, {"ENV": "prod"})

    blocked = client.trigger(WEB, {"ENV": "staging"})

    item = item_of(client, blocked.queue_id)
    assert item.state is QueueState.BLOCKED
    assert item.why == "Build #1 is already in progress (ETA:N/A)"


def test_it_shows_a_buildable_item_waiting_for_an_executor(
    start_jenkins: Callable[..., JenkinsSimulator], connect: ConnectClient
) -> None:
    client = connect(start_jenkins(executors=1))
    client.trigger(WEB, {"ENV": "prod"})

    waiting = client.trigger("payment/gateway", {"ENV": "prod"})

    item = item_of(client, waiting.queue_id)
    assert item.state is QueueState.BUILDABLE
    assert item.why == "Waiting for next available executor"


def test_it_shows_the_build_number_once_the_item_has_left(client: JenkinsClient) -> None:
    triggered = client.trigger(WEB, {"ENV": "prod"})

    item = item_of(client, triggered.queue_id)

    assert item.state is QueueState.STARTED
    assert item.build_number == 1
    assert item.build_url is not None
    assert item.build_url.endswith("/job/mall/job/web-frontend/1/")


def test_it_follows_a_blocked_item_until_it_starts(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger(WEB, {"ENV": "prod"})
    blocked = client.trigger(WEB, {"ENV": "staging"})

    sim.advance(3)  # web-frontend runs for 3 seconds

    item = item_of(client, blocked.queue_id)
    assert (item.state, item.build_number) == (QueueState.STARTED, 2)
