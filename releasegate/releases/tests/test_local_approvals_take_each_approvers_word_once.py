"""Only an approver of a request decides it, never the person who asked (the
self-approval ban), only while it is pending, and once: anything else is refused with
the reason and changes nothing."""

from __future__ import annotations

import pytest

from releasegate.releases.approvals.errors import ActionRefused, ApprovalNotFound
from releasegate.releases.approvals.ports import Decision
from releasegate.releases.local.approvals import LocalApprovals
from releasegate.releases.local.decisions import AlreadyDecided, NotYours
from releasegate.releases.models import InboundEvent, LocalApproval, LocalDecision
from releasegate.releases.tests.local_approvals import ORDER

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def decide(local: LocalApprovals, instance_id: str, who: str, decision: Decision) -> None:
    local.act(instance_id, who, who, decision, "")


def test_the_person_who_asked_cannot_approve_even_when_in_the_group(
    local: LocalApprovals,
) -> None:
    instance_id = local.start("wangwu", ORDER)

    with pytest.raises(NotYours) as refused:
        decide(local, instance_id, "wangwu", Decision.APPROVE)

    assert refused.value.message == "申请人不能审批自己的发布申请"
    assert not LocalDecision.objects.exists()
    assert not InboundEvent.objects.exists()


def test_someone_outside_the_group_cannot_decide(local: LocalApprovals) -> None:
    instance_id = local.start("zhangsan", ORDER)

    with pytest.raises(NotYours) as refused:
        decide(local, instance_id, "qianqi", Decision.REFUSE)

    assert refused.value.message == f"qianqi 不是审批 #{instance_id} 的审批人"
    assert LocalApproval.objects.get().status == "pending"


def test_an_approver_decides_once(local: LocalApprovals) -> None:
    instance_id = local.start("zhangsan", ORDER)
    decide(local, instance_id, "lisi", Decision.APPROVE)

    with pytest.raises(AlreadyDecided) as again:
        decide(local, instance_id, "lisi", Decision.REFUSE)

    assert again.value.message == f"lisi 已经审批过 #{instance_id}"
    assert list(LocalDecision.objects.values_list("decision", flat=True)) == ["approve"]
    assert InboundEvent.objects.count() == 1


def test_nobody_decides_a_request_that_has_ended(local: LocalApprovals) -> None:
    instance_id = local.start("zhangsan", ORDER)
    decide(local, instance_id, "lisi", Decision.REFUSE)

    with pytest.raises(AlreadyDecided) as late:
        decide(local, instance_id, "wangwu", Decision.APPROVE)

    assert late.value.message == f"审批 #{instance_id} 已被拒绝"
    assert late.value.approval_status == "refused"
    assert isinstance(late.value, ActionRefused) and late.value.permanent


@pytest.mark.parametrize("instance_id", ["999", "abc", "", "1" * 40])
def test_an_approval_that_does_not_exist_is_not_found(
    local: LocalApprovals, instance_id: str
) -> None:
    with pytest.raises(ApprovalNotFound):
        decide(local, instance_id, "lisi", Decision.APPROVE)
    with pytest.raises(ApprovalNotFound):
        local.get_instance(instance_id)
