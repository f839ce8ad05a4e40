"""Queue merging: an identical request joins the item already waiting (Queue.schedule2)."""

from __future__ import annotations

import json

import httpx
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.tests.calls import job_path, queue_id, trigger


@pytest.fixture
def waiting(api: httpx.Client) -> httpx.Response:
    """A web-frontend request waiting out a 10 s delay."""
    response = trigger(api, "mall/web-frontend", delay="10sec", BRANCH="master", ENV="prod")
    assert response.status_code == 201
    return response


def test_it_answers_303_with_the_same_location_for_an_identical_request(
    api: httpx.Client, waiting: httpx.Response, sim: SimulatorControl
) -> None:
    again = trigger(api, "mall/web-frontend", delay="10sec", BRANCH="master", ENV="prod")

    assert again.status_code == 303
    assert again.headers["Location"] == waiting.headers["Location"]
    [item] = sim.queue()
    assert item["causes"] == 2


def test_it_compares_parameters_as_a_set_whatever_their_order(
    api: httpx.Client, waiting: httpx.Response
) -> None:
    reordered = api.post(
        f"{job_path('mall/web-frontend')}buildWithParameters",
        content="ENV=prod&RELEASE_TYPE=%E5%85%A8%E9%87%8F&BRANCH=master&delay=10sec",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert reordered.status_code == 303
    assert queue_id(reordered) == queue_id(waiting)


def test_it_queues_a_new_item_for_different_values(
    api: httpx.Client, waiting: httpx.Response, sim: SimulatorControl
) -> None:
    other = trigger(api, "mall/web-frontend", delay="10sec", BRANCH="master", ENV="staging")

    assert other.status_code == 201
    assert queue_id(other) != queue_id(waiting)
    assert len(sim.queue()) == 2


def test_it_brings_a_merged_item_forward_when_the_new_request_is_due_sooner(
    api: httpx.Client, waiting: httpx.Response, sim: SimulatorControl
) -> None:
    trigger(api, "mall/web-frontend", delay="0sec", BRANCH="master", ENV="prod")

    [item] = sim.queue()
    assert item["state"] == "left"
    assert item["build"] == 1


def test_it_starts_one_build_for_two_identical_requests(
    api: httpx.Client, waiting: httpx.Response, sim: SimulatorControl
) -> None:
    trigger(api, "mall/web-frontend", delay="10sec", BRANCH="master", ENV="prod")
    sim.advance(11)

    assert [build["number"] for build in sim.builds("mall/web-frontend")] == [1]


def test_it_does_not_merge_into_a_build_that_already_started(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    started = trigger(api, "mall/web-frontend")
    again = trigger(api, "mall/web-frontend")

    assert started.status_code == again.status_code == 201
    assert queue_id(started) != queue_id(again)
    assert [build["number"] for build in sim.builds("mall/web-frontend")] == [1]


def test_it_answers_201_with_the_existing_location_when_build_merges(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    url = f"{job_path('ops/nightly-backup')}build"
    first = api.post(url, params={"delay": "10sec"})
    second = api.post(url, params={"delay": "10sec"})

    assert first.status_code == second.status_code == 201
    assert second.headers["Location"] == first.headers["Location"]
    assert len(sim.queue()) == 1


def test_it_sends_a_merged_json_build_to_the_job_page(api: httpx.Client) -> None:
    form = json.dumps({"parameter": [{"name": "TAG", "value": "v3.7.1"}]})
    url = f"{job_path('mall/order-service')}build"
    first = api.post(url, params={"delay": "10sec"}, data={"json": form})
    second = api.post(url, params={"delay": "10sec"}, data={"json": form})

    assert first.status_code == 201
    assert second.status_code == 302
    assert second.headers["Location"].endswith("/job/mall/job/order-service/")
    assert api.get(second.headers["Location"]).status_code == 200
