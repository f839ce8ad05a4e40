"""表单提交时验证: submitting calls `validate` with each role from its control. `valid:
false` refuses the submission with `message` (校验错误信息) and starts nothing; `valid:
true` starts the instance with the chosen options' readable values and the process's
approvers. Required controls are checked first, without a call."""

from __future__ import annotations

import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl, SimulatorRefused
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub, Scripted
from releasegate.simulators.dingtalk.tests.forms import READY, filled_form

REFUSAL = "有数据库变更且尚未完成：请先完成数据库变更，再提交发布申请"


def test_the_validate_call_carries_each_role_from_its_control(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    form_id = filled_form(connected, {"发布时间": "2026-11-27 14:30"})

    connected.submit_form(form_id)

    [call] = connector.calls("validate")
    assert call.body == {
        "project": "商城 (mall)",
        "application": "商城前端 (mall/web-frontend)",
        "release_type": "灰度",
        "release_time": "2026-11-27 14:30",
        "db_change": "否",
        "db_change_done": "",
        "parameters": {"BRANCH": "release/2026.11", "ENV": "prod"},
    }
    assert connected.connector_calls("validate")[0]["trigger"] == "form submit"


def test_valid_false_refuses_the_submission_with_its_message(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    connector.script("validate", Scripted({"valid": False, "message": REFUSAL}))
    form_id = filled_form(connected, {"是否有数据库变更": "是"})

    form = connected.submit_form(form_id)

    assert (form["state"], form["refusal"], form["instance_id"]) == ("open", REFUSAL, None)
    assert form["notices"] == [REFUSAL]
    assert connected.instances() == []


def test_a_refused_form_corrected_goes_through(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    connector.script("validate", Scripted({"valid": False, "message": REFUSAL}))
    form_id = filled_form(connected, {"是否有数据库变更": "是"})
    connected.submit_form(form_id)

    connected.fill(form_id, {"数据库变更是否完成": "是"})
    form = connected.submit_form(form_id)

    assert (form["state"], form["refusal"]) == ("submitted", "")
    assert connector.calls("validate")[-1].body["db_change_done"] == "是"


def test_valid_true_starts_the_instance_with_readable_values_and_the_approvers(
    connected: DingTalkControl,
) -> None:
    form = connected.submit_form(filled_form(connected, user="zhangsan"))

    instance = connected.instance(form["instance_id"])
    values = {value["name"]: value["value"] for value in instance["formComponentValues"]}
    assert values == READY
    assert instance["originatorUserId"] == "zhangsan"
    assert instance["originatorDeptId"] == "2"
    assert (instance["status"], instance["waiting_on"]) == ("RUNNING", ["lisi"])
    assert "approverUserIds" not in instance  # started from the form, not the API


def test_a_submitted_form_takes_no_more_steps(connected: DingTalkControl) -> None:
    form_id = filled_form(connected)
    connected.submit_form(form_id)

    with pytest.raises(SimulatorRefused) as refused:
        connected.submit_form(form_id)

    assert refused.value.status == 409
    assert len(connected.instances()) == 1


def test_required_controls_are_checked_before_anything_is_called(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    form_id = connected.open_form("zhangsan")["id"]
    connected.choose(form_id, "项目名称", "mall")

    form = connected.submit_form(form_id)

    assert form["refusal"] == "请填写必填项：应用名称"
    assert connector.calls("validate") == []
    assert connected.instances() == []
