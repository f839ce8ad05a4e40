"""Reading an instance while people act on it in DingTalk: running with the first
approver's task, approved only once the last approver agrees, ended by a refusal or by
the originator's revocation; an unknown id is a permanent NotFound."""

from __future__ import annotations

import pytest

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.models import InstanceResult, InstanceStatus
from releasegate.simulators.dingtalk.control import DingTalkControl

FORM = {"项目名称": "mall", "应用名称": "order-service", "分支或标签": "release/2.3"}


@pytest.fixture
def instance_id(dingtalk_sim: DingTalkControl) -> str:
    return dingtalk_sim.submit("zhangsan", FORM)


def test_a_new_instance_runs_with_the_first_approvers_task(
    dingtalk_client: DingTalkClient, instance_id: str
) -> None:
    instance = dingtalk_client.get_instance(instance_id)

    assert (instance.status, instance.result) == (InstanceStatus.RUNNING, InstanceResult.NONE)
    assert instance.originator_user_id == "zhangsan"
    assert instance.title == "张三提交的发布审批"
    assert instance.form_value("分支或标签") == "release/2.3"
    assert [(t.user_id, t.status, t.result) for t in instance.tasks] == [("lisi", "RUNNING", "")]
    assert [r.type for r in instance.operation_records] == ["START_PROCESS_INSTANCE"]
    assert instance.create_time is not None and instance.finish_time is None
    # Submitted from the form, not through the API: DingTalk fills no approverUserIds.
    assert instance.approver_user_ids == ()


def test_it_is_approved_only_after_the_last_approver_agrees(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl, instance_id: str
) -> None:
    dingtalk_sim.agree(instance_id, "lisi", "看过了")
    halfway = dingtalk_client.get_instance(instance_id)
    dingtalk_sim.agree(instance_id, "wangwu")
    done = dingtalk_client.get_instance(instance_id)

    assert (halfway.status, halfway.approved) == (InstanceStatus.RUNNING, False)
    assert (done.status, done.result, done.approved) == (
        InstanceStatus.COMPLETED,
        InstanceResult.AGREE,
        True,
    )
    assert done.agreed_by == ("lisi", "wangwu")
    assert done.finish_time is not None
    assert [(r.user_id, r.result, r.remark) for r in done.operation_records[1:]] == [
        ("lisi", "AGREE", "看过了"),
        ("wangwu", "AGREE", ""),
    ]


def test_a_refusal_ends_it_completed_and_refused(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl, instance_id: str
) -> None:
    dingtalk_sim.refuse(instance_id, "lisi", "窗口外")

    instance = dingtalk_client.get_instance(instance_id)

    assert (instance.status, instance.result) == (InstanceStatus.COMPLETED, InstanceResult.REFUSE)
    assert instance.ended_without_approval and not instance.approved


def test_a_revocation_ends_it_terminated_without_a_result(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl, instance_id: str
) -> None:
    dingtalk_sim.terminate(instance_id)

    instance = dingtalk_client.get_instance(instance_id)

    assert (instance.status, instance.result) == (InstanceStatus.TERMINATED, InstanceResult.NONE)
    assert [(t.user_id, t.status) for t in instance.tasks] == [("lisi", "TERMINATED")]
    assert instance.operation_records[-1].type == "TERMINATE_PROCESS_INSTANCE"


def test_an_unknown_instance_is_a_permanent_not_found(dingtalk_client: DingTalkClient) -> None:
    with pytest.raises(errors.NotFound) as raised:
        dingtalk_client.get_instance("5f6c0c65-0000-0000-0000-000000000000")

    assert raised.value.permanent
    assert raised.value.code == "processInstanceNotExist"
    assert "does not exist" in str(raised.value)
