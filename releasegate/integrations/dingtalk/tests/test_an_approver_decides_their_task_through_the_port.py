"""The approval port acts on an approver's own DingTalk task (`processInstances/execute`,
reference section 9.1), over sockets to the simulator: agreeing moves the approval on,
refusing ends it, and a task that is not the person's, or no longer open, is refused
without anything happening."""

from __future__ import annotations

import pytest

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.tests.instances import dingtalk_sources
from releasegate.releases.approvals.errors import ActionRefused, ApprovalNotFound
from releasegate.releases.approvals.instance import ApprovalStatus, TaskDecision
from releasegate.releases.approvals.ports import ApprovalSource, Decision
from releasegate.simulators.dingtalk.control import DingTalkControl

FORM = {"项目名称": "mall", "应用名称": "order-service", "分支或标签": "release/2.3"}


@pytest.fixture
def approvals(dingtalk_client: DingTalkClient) -> ApprovalSource:
    return dingtalk_sources(dingtalk_client)["dingtalk"]


def open_task(approvals: ApprovalSource, instance_id: str, user: str) -> str:
    described = approvals.get_instance(instance_id)
    [task] = [
        t for t in described.tasks if t.user_id == user and t.decision is TaskDecision.PENDING
    ]
    return task.task_id


def test_an_approver_agrees_and_the_approval_moves_on(
    approvals: ApprovalSource, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)

    approvals.act(
        instance_id, open_task(approvals, instance_id, "lisi"), "lisi", Decision.APPROVE, "看过了"
    )
    approvals.act(
        instance_id, open_task(approvals, instance_id, "wangwu"), "wangwu", Decision.APPROVE, ""
    )

    described = approvals.get_instance(instance_id)
    assert described.status is ApprovalStatus.APPROVED
    assert described.approved_by == ("lisi", "wangwu")
    records = dingtalk_sim.instance(instance_id)["operationRecords"]
    assert [(r["userId"], r["result"], r.get("remark", "")) for r in records[1:]] == [
        ("lisi", "AGREE", "看过了"),
        ("wangwu", "AGREE", ""),
    ]


def test_a_refusal_ends_the_approval(
    approvals: ApprovalSource, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)

    approvals.act(
        instance_id, open_task(approvals, instance_id, "lisi"), "lisi", Decision.REFUSE, "不行"
    )

    assert approvals.get_instance(instance_id).status is ApprovalStatus.REFUSED


def test_someone_elses_task_is_refused_and_nothing_happens(
    approvals: ApprovalSource, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    task_id = open_task(approvals, instance_id, "lisi")

    with pytest.raises(ActionRefused, match="needAuth"):
        approvals.act(instance_id, task_id, "wangwu", Decision.APPROVE, "")

    assert approvals.get_instance(instance_id).status is ApprovalStatus.PENDING
    assert open_task(approvals, instance_id, "lisi") == task_id


def test_a_task_already_decided_is_refused(
    approvals: ApprovalSource, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    task_id = open_task(approvals, instance_id, "lisi")
    approvals.act(instance_id, task_id, "lisi", Decision.APPROVE, "")

    with pytest.raises(ActionRefused) as refused:
        approvals.act(instance_id, task_id, "lisi", Decision.REFUSE, "")

    assert refused.value.permanent
    assert approvals.get_instance(instance_id).status is ApprovalStatus.PENDING


def test_an_approval_dingtalk_does_not_have_is_not_found(approvals: ApprovalSource) -> None:
    with pytest.raises(ApprovalNotFound):
        approvals.act("no-such-instance", "61000000001", "lisi", Decision.APPROVE, "")
