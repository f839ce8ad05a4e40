"""The official SDK's `workflow_1_0` StartProcessInstance and GetProcessInstance against
the simulator. The SDK's models take any JSON without complaint, so besides the values
each answer is held to the types the models declare, and to the SDK's own spelling: what
the SDK parsed, written back with its `to_map()`, is exactly what the simulator sent (a
key the SDK does not know would be dropped there). And ReleaseGate's client reads the
same values from the same instance as the SDK does."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from alibabacloud_dingtalk.workflow_1_0 import models as workflow_models

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests import official_sdk
from releasegate.simulators.dingtalk.tests.conftest import FORM


def _approved(control: DingTalkControl) -> str:
    instance_id = control.submit("zhangsan", {**FORM, "备注": "周五晚发布"})
    control.agree(instance_id, "lisi", "可以发布")
    control.agree(instance_id, "wangwu")
    return instance_id


def test_it_starts_an_instance_with_its_approvers_and_reads_it_back(
    dingtalk: DingTalkSimulator, sdk_token: str
) -> None:
    settings = dingtalk.settings
    request = workflow_models.StartProcessInstanceRequest(
        process_code=settings.process_code,
        originator_user_id="zhangsan",
        dept_id=-1,
        microapp_agent_id=settings.agent_id,
        approvers=[
            workflow_models.StartProcessInstanceRequestApprovers(
                action_type="OR", user_ids=["lisi", "wangwu"]
            )
        ],
        form_component_values=[
            workflow_models.StartProcessInstanceRequestFormComponentValues(name=name, value=value)
            for name, value in FORM.items()
        ],
    )

    started = official_sdk.workflow(dingtalk).start_process_instance_with_options(
        request,
        workflow_models.StartProcessInstanceHeaders(x_acs_dingtalk_access_token=sdk_token),
        official_sdk.RUNTIME,
    )
    found = official_sdk.get_instance(dingtalk, sdk_token, started.body.instance_id).body

    assert started.status_code == 200 and started.body.instance_id
    assert (found.success, found.result.status, found.result.result) == ("true", "RUNNING", "")
    assert found.result.originator_user_id == "zhangsan"
    assert [(v.name, v.value) for v in found.result.form_component_values] == list(FORM.items())
    assert [(t.user_id, t.status) for t in found.result.tasks] == [
        ("lisi", "RUNNING"),
        ("wangwu", "RUNNING"),
    ]
    assert found.result.approver_user_ids == ["lisi", "wangwu"]
    assert official_sdk.undeclared(found) == []


def test_an_approved_instance_has_every_field_the_sdk_reads_as_it_declares_it(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str, v1: httpx.Client
) -> None:
    instance_id = _approved(dingtalk_sim)

    answer = official_sdk.get_instance(dingtalk, sdk_token, instance_id)
    sent = v1.get("v1.0/workflow/processInstances", params={"processInstanceId": instance_id})

    found = answer.body.result
    assert (found.status, found.result, found.biz_action) == ("COMPLETED", "agree", "NONE")
    assert found.create_time and found.finish_time
    assert [(t.user_id, t.status, t.result) for t in found.tasks] == [
        ("lisi", "COMPLETED", "AGREE"),
        ("wangwu", "COMPLETED", "AGREE"),
    ]
    assert all(isinstance(t.task_id, int) and t.pc_url and t.mobile_url for t in found.tasks)
    assert [(r.user_id, r.type, r.result, r.remark) for r in found.operation_records] == [
        ("zhangsan", "START_PROCESS_INSTANCE", "NONE", None),
        ("lisi", "EXECUTE_TASK_NORMAL", "AGREE", "可以发布"),
        ("wangwu", "EXECUTE_TASK_NORMAL", "AGREE", None),
    ]
    assert {v.name: v.value for v in found.form_component_values}["备注"] == "周五晚发布"
    assert (found.attached_process_instance_ids, found.main_process_instance_id) == ([], None)
    assert official_sdk.undeclared(answer.body) == []
    assert answer.body.to_map() == sent.json()


def test_a_revocation_is_linked_both_ways_in_the_fields_the_sdk_reads(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str, v1: httpx.Client
) -> None:
    instance_id = _approved(dingtalk_sim)
    dingtalk_sim.revoke(instance_id, remark="发布取消")

    approved = official_sdk.get_instance(dingtalk, sdk_token, instance_id).body
    (revocation_id,) = approved.result.attached_process_instance_ids
    revocation = official_sdk.get_instance(dingtalk, sdk_token, revocation_id).body

    assert (approved.result.status, approved.result.result) == ("COMPLETED", "agree")
    assert revocation.result.biz_action == "REVOKE"
    assert revocation.result.main_process_instance_id == instance_id
    assert revocation.result.operation_records[0].remark == "发布取消"
    for shown, parsed in ((instance_id, approved), (revocation_id, revocation)):
        assert official_sdk.undeclared(parsed) == []
        sent = v1.get("v1.0/workflow/processInstances", params={"processInstanceId": shown})
        assert parsed.to_map() == sent.json()


def test_releasegates_client_reads_what_the_sdk_reads(
    dingtalk: DingTalkSimulator,
    dingtalk_sim: DingTalkControl,
    sdk_token: str,
    connect_dingtalk: Callable[..., DingTalkClient],
) -> None:
    instance_id = _approved(dingtalk_sim)
    dingtalk_sim.revoke(instance_id)

    for shown in (instance_id, *dingtalk_sim.instance(instance_id)["attachedProcessInstanceIds"]):
        sdk = official_sdk.get_instance(dingtalk, sdk_token, shown).body.result
        ours = connect_dingtalk(dingtalk).get_instance(shown)

        assert (ours.status, ours.result, ours.biz_action) == (
            sdk.status,
            sdk.result,
            sdk.biz_action,
        )
        assert ours.attached_process_instance_ids == tuple(sdk.attached_process_instance_ids)
        assert ours.main_process_instance_id == (sdk.main_process_instance_id or "")
        assert [(v.name, v.value) for v in ours.form] == [
            (v.name, v.value) for v in sdk.form_component_values
        ]
        assert [
            (t.task_id, t.user_id, t.status, t.result, t.pc_url, t.mobile_url) for t in ours.tasks
        ] == [(t.task_id, t.user_id, t.status, t.result, t.pc_url, t.mobile_url) for t in sdk.tasks]
        assert [(r.user_id, r.type, r.result, r.remark) for r in ours.operation_records] == [
            (r.user_id, r.type, r.result, r.remark or "") for r in sdk.operation_records
        ]
