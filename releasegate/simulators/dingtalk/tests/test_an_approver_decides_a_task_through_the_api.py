"""`POST /v1.0/workflow/processInstances/execute` as the reference describes it (section
9.1): the actioner decides their own running task; what is not theirs, not open, not a
task or not a decision is refused with DingTalk's codes, and nothing moves."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

FORM = {"项目名称": "mall", "应用名称": "order-service"}


def execute(dingtalk: DingTalkSimulator, body: dict[str, Any]) -> httpx.Response:
    settings = dingtalk.settings
    token = httpx.post(
        f"{dingtalk.url}v1.0/oauth2/accessToken",
        json={"appKey": settings.app_key, "appSecret": settings.app_secret},
    ).json()["accessToken"]
    return httpx.post(
        f"{dingtalk.url}v1.0/workflow/processInstances/execute",
        json=body,
        headers={"x-acs-dingtalk-access-token": token},
    )


def lisis_task(control: DingTalkControl, instance_id: str) -> int:
    [task] = [t for t in control.instance(instance_id)["tasks"] if t["userId"] == "lisi"]
    return int(task["taskId"])


def test_the_approver_agrees_to_their_running_task(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    body = {
        "processInstanceId": instance_id,
        "taskId": lisis_task(dingtalk_sim, instance_id),
        "actionerUserId": "lisi",
        "result": "agree",
        "remark": "同意。",
    }

    answer = execute(dingtalk, body)

    assert (answer.status_code, answer.json()) == (200, {"result": True, "success": True})
    tasks = dingtalk_sim.instance(instance_id)["tasks"]
    assert [(t["userId"], t["status"], t["result"]) for t in tasks] == [
        ("lisi", "COMPLETED", "AGREE"),
        ("wangwu", "RUNNING", ""),
    ]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"actionerUserId": "wangwu"}, "needAuth"),
        ({"taskId": 1}, "invalidInstanceExecuteTaskId"),
        ({"taskId": "61000000001"}, "invalidParameter"),
        ({"result": "maybe"}, "invalidInstanceExecuteResult"),
        ({"processInstanceId": "nope"}, "invalidInstanceId"),
        ({"actionerUserId": "nobody"}, "userNotExist"),
        ({"remark": "长" * 1025}, "invalidParameter"),
    ],
)
def test_what_dingtalk_refuses_is_refused_and_nothing_moves(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, change: dict[str, Any], code: str
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    body = {
        "processInstanceId": instance_id,
        "taskId": lisis_task(dingtalk_sim, instance_id),
        "actionerUserId": "lisi",
        "result": "agree",
        **change,
    }

    answer = execute(dingtalk, body)

    assert (answer.status_code, answer.json()["code"]) == (400, code)
    assert dingtalk_sim.instance(instance_id)["tasks"][0]["status"] == "RUNNING"


def test_a_task_already_decided_cannot_be_decided_again(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    dingtalk_sim.agree(instance_id, "lisi")
    body = {
        "processInstanceId": instance_id,
        "taskId": lisis_task(dingtalk_sim, instance_id),
        "actionerUserId": "lisi",
        "result": "refuse",
    }

    answer = execute(dingtalk, body)

    assert answer.json()["code"] == "aflowProcessInstCanNotBeExecuted"
    assert dingtalk_sim.instance(instance_id)["status"] == "RUNNING"
