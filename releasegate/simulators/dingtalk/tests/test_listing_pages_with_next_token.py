"""`instanceIds/query`: at most 20 ids a page with `nextToken` until the last page, the
start-time window (at most 120 days), the statuses filter."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.tests.conftest import DEMO, FORM

LIST = "v1.0/workflow/processes/instanceIds/query"
DAY_MS = 24 * 3600 * 1000


def query(v1: httpx.Client, **body: Any) -> httpx.Response:
    return v1.post(LIST, json={"processCode": DEMO.process_code, **body})


def test_it_pages_with_next_token(v1: httpx.Client, dingtalk_sim: DingTalkControl) -> None:
    start = dingtalk_sim.now_ms() - 1000
    created = [dingtalk_sim.submit("zhangsan", FORM) for _ in range(25)]

    first = query(v1, startTime=start, nextToken=0, maxResults=20).json()
    last = query(v1, startTime=start, nextToken=first["result"]["nextToken"], maxResults=20).json()

    assert first["success"] is True
    assert first["result"]["list"] == created[:20]
    assert isinstance(first["result"]["nextToken"], str)
    assert last["result"]["list"] == created[20:]
    assert "nextToken" not in last["result"]


def test_it_filters_by_status(v1: httpx.Client, dingtalk_sim: DingTalkControl) -> None:
    start = dingtalk_sim.now_ms() - 1000
    running = dingtalk_sim.submit("zhangsan", FORM)
    revoked = dingtalk_sim.submit("zhangsan", FORM)
    dingtalk_sim.terminate(revoked)

    answer = query(v1, startTime=start, statuses=["TERMINATED"]).json()

    assert answer["result"]["list"] == [revoked]
    assert query(v1, startTime=start, statuses=["RUNNING"]).json()["result"]["list"] == [running]


@pytest.mark.parametrize(
    "body",
    [
        {"startTime": 0},
        {"startTime": "yesterday"},
        {"startTime": 1, "endTime": 1 + 121 * DAY_MS},
        {"startTime": 1, "endTime": 2, "maxResults": 21},
        {"startTime": 1, "endTime": 2, "statuses": ["APPROVED"]},
    ],
)
def test_it_refuses_what_the_api_does_not_take(v1: httpx.Client, body: dict[str, Any]) -> None:
    answer = query(v1, **body)

    assert (answer.status_code, answer.json()["code"]) == (400, "invalidParameter")
