"""LeftItems stay in Jenkins' cache for five minutes after leaving the queue."""

from __future__ import annotations

import httpx

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.tests.calls import job_path, queue_id, trigger


def test_it_forgets_a_left_item_five_minutes_after_it_left(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    item_url = f"queue/item/{queue_id(trigger(api, 'mall/order-service'))}/api/json"

    sim.advance(299)
    assert api.get(item_url).status_code == 200
    sim.advance(2)
    assert api.get(item_url).status_code == 404


def test_it_counts_the_five_minutes_from_leaving_not_from_queueing(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    item_url = f"queue/item/{queue_id(trigger(api, 'mall/web-frontend', delay='100sec'))}/api/json"

    sim.advance(250)
    assert api.get(item_url).json()["_class"] == "hudson.model.Queue$LeftItem"
    sim.advance(100)  # 350 s after queueing, 250 s after leaving
    assert api.get(item_url).status_code == 200


def test_it_still_finds_the_build_by_queue_id_after_expiry(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    item_id = queue_id(trigger(api, "mall/order-service"))
    sim.advance(400)

    builds = api.get(
        f"{job_path('mall/order-service')}api/json", params={"tree": "builds[number,queueId]"}
    ).json()["builds"]

    assert [b["number"] for b in builds if b["queueId"] == item_id] == [1]
