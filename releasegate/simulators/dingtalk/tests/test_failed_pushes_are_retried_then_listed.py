"""A push counts only when the receiver answers the encrypted, signed "success". A failed
one is retried 10 s and then 30 s later (moved on the simulator's clock); after the third
failure it shows, 3 minutes later, in `get_call_back_failed_result`, once."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from releasegate.simulators.dingtalk.tests.conftest import DEMO, FORM, TLS, Pushing
from releasegate.simulators.dingtalk.tests.receiver import Answer, EventReceiver


def attempts(sim_events: list[dict[str, Any]]) -> list[int]:
    return [len(event["attempts"]) for event in sim_events]


def failed_list(url: str) -> dict[str, Any]:
    with httpx.Client(base_url=url, timeout=5, verify=TLS) as api:
        token = api.post(
            "v1.0/oauth2/accessToken",
            json={"appKey": DEMO.app_key, "appSecret": DEMO.app_secret},
        ).json()["accessToken"]
        answer = api.get("call_back/get_call_back_failed_result", params={"access_token": token})
        body: dict[str, Any] = answer.json()
        return body


@pytest.mark.parametrize("answer", ["error", "plain", "wrong_key"])
def test_anything_but_the_encrypted_success_is_a_failure(
    pushing: Pushing, receiver: EventReceiver, answer: Answer
) -> None:
    _, sim = pushing
    receiver.answer = answer

    sim.submit("zhangsan", FORM)

    events = sim.events()
    assert [e["state"] for e in events] == ["pending", "pending"]
    assert attempts(events) == [1, 1]
    assert events[0]["attempts"][0]["outcome"] != "success"


def test_a_failed_push_is_retried_after_10_and_then_30_seconds(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, sim = pushing
    receiver.answer = "error"
    sim.submit("zhangsan", FORM)

    sim.advance(9)
    assert attempts(sim.events()) == [1, 1]
    sim.advance(1)
    assert attempts(sim.events()) == [2, 2]
    sim.advance(29)
    assert attempts(sim.events()) == [2, 2]
    sim.advance(1)
    events = sim.events()

    assert attempts(events) == [3, 3]
    assert [e["state"] for e in events] == ["failed", "failed"]
    assert len(receiver.received) == 6


def test_a_retry_that_is_answered_delivers_it(pushing: Pushing, receiver: EventReceiver) -> None:
    _, sim = pushing
    receiver.answer = "error"
    sim.submit("zhangsan", FORM)

    receiver.answer = "success"
    sim.advance(10)

    assert [e["state"] for e in sim.events()] == ["delivered", "delivered"]
    assert [e["attempts"][-1]["outcome"] for e in sim.events()] == ["success", "success"]


def test_the_failed_list_shows_each_event_once_three_minutes_later(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    simulator, sim = pushing
    receiver.answer = "error"
    instance_id = sim.submit("zhangsan", FORM)
    sim.advance(10)
    sim.advance(30)

    assert failed_list(simulator.url)["failed_list"] == []
    sim.advance(180)
    first = failed_list(simulator.url)
    again = failed_list(simulator.url)

    assert (first["errcode"], first["has_more"]) == (0, False)
    start, task = first["failed_list"]
    assert start["call_back_tag"] == "bpms_instance_change"
    assert start["bpms_instance_change"]["corpid"] == DEMO.corp_id
    data = start["bpms_instance_change"]["bpmsCallBackData"]
    assert (data["processInstanceId"], data["type"]) == (instance_id, "start")
    assert isinstance(start["event_time"], int)
    assert task["call_back_tag"] == "bpms_task_change"
    assert task["bpms_task_change"]["bpmsCallBackData"]["staffId"] == "lisi"
    assert again["failed_list"] == []


def test_the_check_url_handshake_needs_the_encrypted_success(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, sim = pushing

    passed = sim.check_url()
    receiver.answer = "wrong_key"
    failed = sim.check_url()

    assert passed == {"ok": True, "status": 200, "outcome": "success"}
    assert receiver.events()[0] == {"EventType": "check_url"}
    assert failed["ok"] is False
    assert "verification" in failed["outcome"]
