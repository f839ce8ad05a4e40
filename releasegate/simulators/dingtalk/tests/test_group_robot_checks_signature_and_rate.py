"""The custom group robot (reference 4.1): HTTP 200 whatever happens; `timestamp` (ms,
within an hour) and `sign` must match the robot's secret, else errcode 310000 with the
documented errmsg; 20 messages a minute, then 410100 for 10 minutes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from releasegate.integrations.dingtalk.crypto import robot_sign
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests.conftest import DEMO, TLS

TEXT = {"msgtype": "text", "text": {"content": "发布完成"}}


def send(
    url: str,
    body: dict[str, Any] = TEXT,
    *,
    secret: str = DEMO.robot_secret,
    timestamp: int | None = None,
    token: str = DEMO.robot_token,
) -> dict[str, Any]:
    """POST to the webhook as DingTalk documents it: the sign appended URL-encoded."""
    stamp = timestamp if timestamp is not None else int(time.time() * 1000)
    query = f"access_token={quote(token)}&timestamp={stamp}&sign={robot_sign(secret, stamp)}"
    answer = httpx.post(f"{url}robot/send?{query}", json=body, timeout=5, verify=TLS)
    assert answer.status_code == 200
    found: dict[str, Any] = answer.json()
    return found


def test_a_signed_message_is_accepted(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl
) -> None:
    assert send(dingtalk.url) == {"errcode": 0, "errmsg": "ok"}
    assert [m["msg"] for m in dingtalk_sim.messages("group_robot")] == [TEXT]


@pytest.mark.parametrize(
    ("options", "errmsg"),
    [
        ({"secret": "SECsomeone-else"}, "sign not match"),
        # Offsets from the moment of sending, not absolute times: a timestamp taken at
        # collection would drift back inside the hour during a long test run.
        ({"timestamp_offset_ms": -3_700_000}, "invalid timestamp"),
        ({"timestamp_offset_ms": 3_700_000}, "invalid timestamp"),
    ],
)
def test_a_bad_signature_is_errcode_310000(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, options: dict[str, Any], errmsg: str
) -> None:
    options = dict(options)
    offset = options.pop("timestamp_offset_ms", None)
    if offset is not None:
        options["timestamp"] = int(time.time() * 1000) + offset
    assert send(dingtalk.url, **options) == {"errcode": 310000, "errmsg": errmsg}
    assert dingtalk_sim.messages("group_robot") == []


def test_an_unknown_robot_token_is_refused(dingtalk: DingTalkSimulator) -> None:
    assert send(dingtalk.url, token="nobody")["errcode"] == 300005


def test_the_twenty_first_message_in_a_minute_throttles_for_ten_minutes(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl
) -> None:
    answers = [send(dingtalk.url)["errcode"] for _ in range(21)]
    dingtalk_sim.advance(120)
    still = send(dingtalk.url)["errcode"]
    dingtalk_sim.advance(481)
    again = send(dingtalk.url)["errcode"]

    assert answers == [0] * 20 + [410100]
    assert (still, again) == (410100, 0)


def test_the_keywords_option_needs_one_in_the_content(
    start_dingtalk: Callable[..., DingTalkSimulator],
) -> None:
    simulator = start_dingtalk(robot_keywords=("发布",))
    missing = {"msgtype": "markdown", "markdown": {"title": "通知", "text": "构建完成"}}

    assert send(simulator.url, missing) == {"errcode": 310000, "errmsg": "keywords not in content"}
    assert send(simulator.url)["errcode"] == 0
