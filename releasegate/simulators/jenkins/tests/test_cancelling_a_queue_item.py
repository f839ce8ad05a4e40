"""`POST /queue/cancelItem?id=`: 204, then a cancelled LeftItem (Jenkins 2.211+)."""

from __future__ import annotations

import httpx

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import VIEWER, queue_id, queue_item, trigger
from releasegate.simulators.jenkins.tests.conftest import Connect


def test_it_cancels_a_waiting_item_and_keeps_it_as_a_cancelled_left_item(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    item_id = queue_id(trigger(api, "mall/web-frontend", delay="10sec"))

    response = api.post("queue/cancelItem", params={"id": item_id})

    assert response.status_code == 204
    item = queue_item(api, item_id)
    assert item["_class"] == "hudson.model.Queue$LeftItem"
    assert item["cancelled"] is True
    assert item["executable"] is None
    assert api.get("queue/api/json").json()["items"] == []
    sim.advance(20)
    assert sim.builds() == []


def test_it_answers_404_for_an_unknown_id(api: httpx.Client) -> None:
    response = api.post("queue/cancelItem", params={"id": 99})

    assert response.status_code == 404
    assert response.text == "Provided id (99) not found"


def test_it_answers_404_for_an_item_that_already_left(api: httpx.Client) -> None:
    item_id = queue_id(trigger(api, "mall/order-service"))

    assert api.post("queue/cancelItem", params={"id": item_id}).status_code == 404


def test_it_answers_422_to_a_user_who_may_not_cancel(
    jenkins: JenkinsSimulator, api: httpx.Client, connect: Connect
) -> None:
    item_id = queue_id(trigger(api, "mall/web-frontend", delay="10sec"))
    viewer = connect(jenkins, auth=VIEWER)

    refused = viewer.post("queue/cancelItem", params={"id": item_id})
    unknown = viewer.post("queue/cancelItem", params={"id": 99})

    assert refused.status_code == 422
    assert refused.text == f"Item for id ({item_id}) is not cancellable"
    assert unknown.status_code == 404


def test_it_requires_post(api: httpx.Client) -> None:
    item_id = queue_id(trigger(api, "mall/web-frontend", delay="10sec"))

    response = api.get("queue/cancelItem", params={"id": item_id})

    assert response.status_code == 405
    assert queue_item(api, item_id)["_class"] == "hudson.model.Queue$WaitingItem"
