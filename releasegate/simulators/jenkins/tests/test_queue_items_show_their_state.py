"""Queue items: Waiting, Blocked, Buildable and Left, as `/queue/item/<id>/api/json`."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import (
    build_json,
    job_path,
    queue_id,
    queue_item,
    start_build,
    trigger,
)
from releasegate.simulators.jenkins.tests.conftest import Connect


def test_it_shows_a_waiting_item_in_its_quiet_period(
    jenkins: JenkinsSimulator, api: httpx.Client
) -> None:
    response = trigger(api, "mall/web-frontend", delay="10sec", ENV="staging")

    item = queue_item(api, queue_id(response))

    assert item["_class"] == "hudson.model.Queue$WaitingItem"
    assert item["id"] == 1
    assert item["url"] == "queue/item/1/"
    assert item["timestamp"] - item["inQueueSince"] == 10_000
    assert item["why"].startswith("In the quiet period. Expires in ")
    assert (item["blocked"], item["buildable"], item["stuck"]) == (False, False, False)
    assert item["params"] == "\nBRANCH=master\nENV=staging\nRELEASE_TYPE=全量"
    assert item["task"] == {
        "_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
        "name": "web-frontend",
        "url": f"{jenkins.url}job/mall/job/web-frontend/",
        "color": "nobuilt",
    }
    assert "executable" not in item


def test_it_blocks_a_second_build_of_a_job_that_is_already_running(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    start_build(api, "mall/web-frontend")
    second = trigger(api, "mall/web-frontend", ENV="staging")

    item = queue_item(api, queue_id(second))

    assert item["_class"] == "hudson.model.Queue$BlockedItem"
    assert item["why"] == "Build #1 is already in progress (ETA:N/A)"
    assert (item["blocked"], item["buildable"]) == (True, False)
    assert "buildableStartMilliseconds" in item
    sim.advance(3.5)
    assert queue_item(api, queue_id(second))["executable"]["number"] == 2


def test_it_keeps_an_item_buildable_while_every_executor_is_busy(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    api = connect(start_jenkins(executors=1))
    start_build(api, "mall/web-frontend")

    item = queue_item(api, queue_id(trigger(api, "payment/gateway")))

    assert item["_class"] == "hudson.model.Queue$BuildableItem"
    assert item["why"] == "Waiting for next available executor"
    assert (item["blocked"], item["buildable"], item["pending"]) == (False, True, False)


def test_it_shows_the_started_build_on_the_left_item(
    jenkins: JenkinsSimulator, api: httpx.Client
) -> None:
    item = queue_item(api, queue_id(trigger(api, "mall/order-service")))

    assert item["_class"] == "hudson.model.Queue$LeftItem"
    assert item["cancelled"] is False
    assert item["why"] is None
    assert item["executable"] == {
        "_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun",
        "number": 1,
        "url": f"{jenkins.url}job/mall/job/order-service/1/",
    }


def test_it_records_the_queue_id_on_the_build(api: httpx.Client) -> None:
    trigger(api, "mall/web-frontend", delay="10sec")
    item_id = queue_id(trigger(api, "payment/gateway"))

    build = build_json(api, "payment/gateway", 1)
    listed = api.get(
        f"{job_path('payment/gateway')}api/json", params={"tree": "builds[number,queueId]"}
    )

    assert build["queueId"] == item_id == 2
    assert listed.json()["builds"] == [
        {"_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun", "number": 1, "queueId": 2}
    ]


def test_it_lists_only_items_still_in_the_queue(api: httpx.Client) -> None:
    trigger(api, "mall/order-service")
    waiting = queue_id(trigger(api, "mall/web-frontend", delay="10sec"))

    queue = api.get("queue/api/json").json()

    assert queue["_class"] == "hudson.model.Queue"
    assert queue["discoverableItems"] == []
    assert [item["id"] for item in queue["items"]] == [waiting]
    assert queue["items"][0]["url"] == f"queue/item/{waiting}/"
    assert queue["items"][0]["task"]["url"].startswith("http://")


def test_it_shows_the_job_as_in_queue_while_an_item_waits(api: httpx.Client) -> None:
    trigger(api, "mall/web-frontend", delay="10sec")

    job = api.get(
        f"{job_path('mall/web-frontend')}api/json", params={"tree": "inQueue,queueItem[id]"}
    )

    assert job.json() == {
        "_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
        "inQueue": True,
        "queueItem": {"_class": "hudson.model.Queue$WaitingItem", "id": 1},
    }


def test_it_answers_404_for_an_unknown_queue_item(api: httpx.Client) -> None:
    assert api.get("queue/item/42/api/json").status_code == 404
    assert api.get("queue/item/nope/api/json").status_code == 404
