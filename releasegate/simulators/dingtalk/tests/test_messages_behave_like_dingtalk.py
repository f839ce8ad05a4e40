"""Work notifications and robot 1:1 messages as DingTalk takes them (reference 4.2, 4.3):
`userid_list` a comma string of at most 100, an identical message to a user dropped for
the rest of the (China) day while the call still succeeds, `msgParam` a JSON string, and
unknown or throttled users listed in the robot's answer."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.tests.conftest import DEMO

WORK = "topapi/message/corpconversation/asyncsend_v2"
ROBOT = "v1.0/robot/oToMessages/batchSend"
MARKDOWN = {"msgtype": "markdown", "markdown": {"title": "发布", "text": "mall/web 已发布"}}


def notify(api: httpx.Client, token: str, **body: Any) -> dict[str, Any]:
    payload = {"agent_id": DEMO.agent_id, "userid_list": "lisi", "msg": MARKDOWN, **body}
    answer = api.post(WORK, params={"access_token": token}, json=payload)
    assert answer.status_code == 200  # the older API: failures are errcodes
    found: dict[str, Any] = answer.json()
    return found


def test_a_work_notification_is_accepted_with_a_task_id(
    api: httpx.Client, token: str, dingtalk_sim: DingTalkControl
) -> None:
    answer = notify(api, token, userid_list="lisi,wangwu")

    assert (answer["errcode"], answer["errmsg"]) == (0, "ok")
    assert isinstance(answer["task_id"], int)
    assert [(m["to"], m["delivered"]) for m in dingtalk_sim.messages("work_notification")] == [
        ("lisi", True),
        ("wangwu", True),
    ]


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"userid_list": ["lisi"]}, 40035),
        ({"userid_list": ",".join(f"u{n}" for n in range(101))}, 40035),
        ({"agent_id": 1}, 40056),
        ({"msg": {"msgtype": "markdown", "markdown": {"title": "t"}}}, 40035),
        ({"msg": {"msgtype": "text", "text": {"content": "x" * 3000}}}, 40035),
    ],
)
def test_a_refused_work_notification_is_http_200_with_an_errcode(
    api: httpx.Client, token: str, body: dict[str, Any], errcode: int
) -> None:
    assert notify(api, token, **body)["errcode"] == errcode


def test_an_identical_notification_is_dropped_until_the_next_day(
    api: httpx.Client, token: str, dingtalk_sim: DingTalkControl
) -> None:
    notify(api, token)
    second = notify(api, token)
    dingtalk_sim.advance(24 * 3600)  # the token expired meanwhile
    fresh = api.post(
        "v1.0/oauth2/accessToken", json={"appKey": DEMO.app_key, "appSecret": DEMO.app_secret}
    ).json()["accessToken"]
    notify(api, fresh)

    assert second["errcode"] == 0  # DingTalk says nothing
    assert [(m["delivered"], m["reason"]) for m in dingtalk_sim.messages(to="lisi")] == [
        (True, ""),
        (False, "identical message already sent today"),
        (True, ""),
    ]


def test_a_robot_message_lists_the_users_it_did_not_reach(
    v1: httpx.Client, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_sim.set_faults(robot_flow_controlled=["wangwu"])

    answer = v1.post(
        ROBOT,
        json={
            "robotCode": DEMO.app_key,
            "userIds": ["lisi", "wangwu", "nobody"],
            "msgKey": "sampleMarkdown",
            "msgParam": json.dumps({"title": "请审批", "text": "mall/web"}),
        },
    )

    assert answer.status_code == 200
    body = answer.json()
    assert body["processQueryKey"]
    assert body["invalidStaffIdList"] == ["nobody"]
    assert body["flowControlledStaffIdList"] == ["wangwu"]
    assert body["filteredStaffIdList"] == []
    assert [m["to"] for m in dingtalk_sim.messages("robot") if m["delivered"]] == ["lisi"]


@pytest.mark.parametrize(
    "changes",
    [
        {"msgParam": {"title": "t", "text": "x"}},
        {"msgParam": json.dumps({"title": "t"})},
        {"msgKey": "sampleNothing"},
        {"robotCode": "dingsomeoneelse"},
        {"userIds": [f"u{n}" for n in range(21)]},
    ],
)
def test_a_robot_message_dingtalk_cannot_take_is_a_400(
    v1: httpx.Client, changes: dict[str, Any]
) -> None:
    body = {
        "robotCode": DEMO.app_key,
        "userIds": ["lisi"],
        "msgKey": "sampleMarkdown",
        "msgParam": json.dumps({"title": "t", "text": "x"}),
        **changes,
    }

    answer = v1.post(ROBOT, json=body)

    assert (answer.status_code, answer.json()["code"]) == (400, "invalidParameter")
