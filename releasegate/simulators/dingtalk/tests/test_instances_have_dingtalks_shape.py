"""Starting and reading instances through the v1.0 API, in the shapes of "发起审批实例"
and "获取单个审批实例详情": every documented key, UTC times to the minute, string form
values, and the documented refusals."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from releasegate.simulators.dingtalk.tests.conftest import DEMO

INSTANCES = "v1.0/workflow/processInstances"
MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$")
VALUES = [{"name": "项目名称", "value": "mall"}, {"name": "应用名称", "value": "web"}]
BODY = {
    "processCode": DEMO.process_code,
    "originatorUserId": "zhangsan",
    "deptId": -1,
    "formComponentValues": VALUES,
}


def create(v1: httpx.Client, **changes: Any) -> httpx.Response:
    return v1.post(INSTANCES, json={**BODY, **changes})


def read(v1: httpx.Client, instance_id: str) -> dict[str, Any]:
    answer = v1.get(INSTANCES, params={"processInstanceId": instance_id})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_it_answers_with_the_new_instances_id(v1: httpx.Client) -> None:
    answer = create(v1)

    assert answer.status_code == 200
    assert list(answer.json()) == ["instanceId"]


def test_a_running_instance_has_every_documented_key(v1: httpx.Client) -> None:
    instance_id = create(v1).json()["instanceId"]

    body = read(v1, instance_id)

    assert body["success"] == "true"
    result = body["result"]
    assert set(result) == {
        "title", "createTime", "originatorUserId", "originatorDeptId", "originatorDeptName",
        "status", "result", "approverUserIds", "ccUserIds", "businessId", "bizAction",
        "attachedProcessInstanceIds", "formComponentValues", "operationRecords", "tasks",
    }  # fmt: skip
    assert (result["status"], result["result"], result["bizAction"]) == ("RUNNING", "", "NONE")
    assert MINUTE.match(result["createTime"])
    assert result["approverUserIds"] == ["lisi", "wangwu"]
    assert [(v["name"], v["value"]) for v in result["formComponentValues"]] == [
        ("项目名称", "mall"),
        ("应用名称", "web"),
    ]
    assert set(result["formComponentValues"][0]) == {
        "id", "name", "value", "extValue", "componentType", "bizAlias",
    }  # fmt: skip
    [record] = result["operationRecords"]
    assert (record["userId"], record["type"], record["result"]) == (
        "zhangsan",
        "START_PROCESS_INSTANCE",
        "NONE",
    )
    [task] = result["tasks"]
    assert (task["userId"], task["status"], task["result"]) == ("lisi", "RUNNING", "")
    assert isinstance(task["taskId"], int)
    assert task["processInstanceId"] == instance_id
    assert "finishTime" not in result and "finishTime" not in task


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"processCode": "PROC-OTHER"}, "processCodeError"),
        ({"originatorUserId": "nobody"}, "invalidParameter"),
        ({"deptId": None}, "invalidParameter"),
        ({"microappAgentId": 1}, "invalidAgentId"),
        ({"formComponentValues": [{"name": "项目名称", "value": ["mall"]}]}, "invalidParameter"),
        ({"formComponentValues": [*VALUES, {"name": "没有", "value": "x"}]}, "formConverterError"),
        ({"formComponentValues": VALUES[:1]}, "formConverterError"),
        (
            {"approvers": [{"actionType": "NONE", "userIds": ["lisi", "wangwu"]}]},
            "invalidParameter",
        ),
    ],
)
def test_it_refuses_what_dingtalk_refuses(
    v1: httpx.Client, changes: dict[str, Any], code: str
) -> None:
    body = {**BODY, **changes}
    body = {key: value for key, value in body.items() if value is not None}

    answer = v1.post(INSTANCES, json=body)

    assert answer.status_code == 400
    assert answer.json()["code"] == code


def test_approvers_given_need_no_department(v1: httpx.Client) -> None:
    body = {key: value for key, value in BODY.items() if key != "deptId"}
    body["approvers"] = [{"actionType": "AND", "userIds": ["lisi", "wangwu"]}]

    instance_id = v1.post(INSTANCES, json=body).json()["instanceId"]

    tasks = read(v1, instance_id)["result"]["tasks"]
    assert [(t["userId"], t["status"]) for t in tasks] == [
        ("lisi", "RUNNING"),
        ("wangwu", "RUNNING"),
    ]


def test_an_unknown_instance_is_processinstance_not_exist(v1: httpx.Client) -> None:
    answer = v1.get(INSTANCES, params={"processInstanceId": "no-such-instance"})

    assert (answer.status_code, answer.json()["code"]) == (400, "processInstanceNotExist")
