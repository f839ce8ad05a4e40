"""Starting an instance through the API: every form value a string, the root department by
default, an approver chain that replaces the configured flow; what DingTalk refuses is a
permanent InvalidRequest that names DingTalk's code."""

from __future__ import annotations

import json
from typing import Any

import pytest

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.models import ApproverStep, InstanceStatus
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.settings import SimSettings

PROCESS = SimSettings.demo().process_code
FORM = [("项目名称", "mall"), ("应用名称", "order-service"), ("环境", '["prod"]')]


def test_it_starts_an_instance_with_the_form_values(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_client.create_instance(PROCESS, "zhangsan", FORM)

    instance = dingtalk_client.get_instance(instance_id)
    assert [(f.name, f.value) for f in instance.form] == FORM
    assert instance.originator_dept_id == "-1"
    # Started through the API: DingTalk lists the approvers.
    assert instance.approver_user_ids == ("lisi", "wangwu")
    assert dingtalk_sim.instance(instance_id)["waiting_on"] == ["lisi"]


def test_an_approver_chain_replaces_the_configured_flow(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_client.create_instance(
        PROCESS,
        "zhangsan",
        FORM,
        approvers=[ApproverStep(("lisi", "wangwu"), "OR"), ApproverStep(("admin",))],
    )

    dingtalk_sim.agree(instance_id, "wangwu")
    dingtalk_sim.agree(instance_id, "admin")

    instance = dingtalk_client.get_instance(instance_id)
    assert instance.approved
    assert [(t.user_id, t.status) for t in instance.tasks] == [
        ("lisi", "CANCELED"),
        ("wangwu", "COMPLETED"),
        ("admin", "COMPLETED"),
    ]


def test_a_value_that_is_not_a_string_is_refused_before_sending(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    values: list[Any] = [("项目名称", "mall"), ("应用名称", ["order-service"])]

    with pytest.raises(ValueError, match="must be a string"):
        dingtalk_client.create_instance(PROCESS, "zhangsan", values)

    assert dingtalk_sim.requests() == []


@pytest.mark.parametrize(
    ("process", "form", "code"),
    [
        ("PROC-NOT-OURS", FORM, "processCodeError"),
        (PROCESS, [*FORM, ("没有这个字段", "x")], "formConverterError"),
        (PROCESS, [("项目名称", "mall")], "formConverterError"),
    ],
)
def test_what_dingtalk_refuses_is_a_permanent_invalid_request(
    dingtalk_client: DingTalkClient, process: str, form: list[tuple[str, str]], code: str
) -> None:
    with pytest.raises(errors.InvalidRequest) as raised:
        dingtalk_client.create_instance(process, "zhangsan", form)

    assert raised.value.permanent
    assert raised.value.code == code


def test_it_sends_the_documented_body(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_client.create_instance(PROCESS, "zhangsan", FORM, dept_id=2)

    [instance] = dingtalk_sim.instances()
    assert instance["originatorDeptId"] == "2"
    assert instance["originatorDeptName"] == "测试部"
    assert json.loads(instance["formComponentValues"][2]["value"]) == ["prod"]
    assert instance["status"] == InstanceStatus.RUNNING
