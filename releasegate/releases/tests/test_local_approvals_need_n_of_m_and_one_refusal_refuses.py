"""N of a group's M approvers approve a request of ReleaseGate's own approvals; one
refusal refuses it. Each decision is a delivery in the inbox, and the ordinary ingest
makes the release of an approved request (with every decision in its audit trail), as
for every platform; a refused one makes none, and the person who asked is told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from releasegate.releases.approvals.instance import ApprovalStatus, TaskDecision
from releasegate.releases.approvals.ports import Decision
from releasegate.releases.local.approvals import LocalApprovals
from releasegate.releases.models import Approval, InboundEvent, Notification, Release
from releasegate.releases.tests.local_approvals import ORDER, Clock, work_off_inbox

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def decide(
    local: LocalApprovals, instance_id: str, who: str, decision: Decision, why: str = ""
) -> None:
    local.act(instance_id, who, who, decision, why)


def test_one_approval_of_two_needed_leaves_it_pending(local: LocalApprovals, clock: Clock) -> None:
    instance_id = local.start("zhangsan", ORDER)
    clock.advance(minutes=5)

    decide(local, instance_id, "lisi", Decision.APPROVE, "看过了")

    instance = local.get_instance(instance_id)
    assert (instance.status, instance.provider_status) == (ApprovalStatus.PENDING, "PENDING 1/2")
    assert instance.approved_by == ("lisi",)
    [lisi, *others] = instance.tasks
    assert (lisi.decision, lisi.decided_at, lisi.remark) == (
        TaskDecision.APPROVED,
        clock.now,
        "看过了",
    )
    assert [t.decision for t in others] == [TaskDecision.PENDING, TaskDecision.PENDING]
    work_off_inbox(local, clock.now)
    assert Approval.objects.get().status == ApprovalStatus.PENDING
    assert not Release.objects.exists()


def test_the_nth_approval_approves_and_ingest_makes_the_release(
    local: LocalApprovals, clock: Clock
) -> None:
    instance_id = local.start("zhangsan", ORDER)
    first = clock.advance(minutes=5)
    decide(local, instance_id, "wangwu", Decision.APPROVE)
    second = clock.advance(minutes=5)
    decide(local, instance_id, "lisi", Decision.APPROVE, "同意发布")

    instance = local.get_instance(instance_id)
    assert (instance.status, instance.provider_status) == (ApprovalStatus.APPROVED, "APPROVED 2/2")
    assert instance.approved_by == ("wangwu", "lisi")
    assert instance.finished_at == second
    assert instance.tasks[2].decision is TaskDecision.OTHER  # zhaoliu was not needed
    deliveries = InboundEvent.objects.order_by("pk")
    assert [(d.provider, d.via, d.event_type) for d in deliveries] == [
        ("local", "local", "local_decision"),
        ("local", "local", "local_decision"),
    ]
    outcomes = work_off_inbox(local, clock.now)

    assert [outcome.rsplit(" ", 1)[-1] for outcome in outcomes] == ["created", "exists"]
    release = Release.objects.get()
    assert (release.approval.provider, release.approval.instance_id) == ("local", instance_id)
    assert release.originator_user_id == "zhangsan"
    assert release.approver_user_ids == ["wangwu", "lisi"]
    assert release.requested_parameters == {"TAG": "v3.7.2", "RELEASE_TYPE": "灰度"}
    assert release.received_via == "local"
    decisions = release.events.filter(kind="approver-decision")
    assert [(e.actor, e.at, e.reason) for e in decisions] == [
        ("local:wangwu", first, "approved"),
        ("local:lisi", second, "approved: 同意发布"),
    ]


def test_one_refusal_refuses_and_the_person_who_asked_is_told(
    local: LocalApprovals, clock: Clock
) -> None:
    instance_id = local.start("zhangsan", ORDER)
    decide(local, instance_id, "lisi", Decision.APPROVE)
    clock.advance(minutes=1)

    decide(local, instance_id, "wangwu", Decision.REFUSE, "今天封网")

    instance = local.get_instance(instance_id)
    assert (instance.status, instance.provider_status) == (ApprovalStatus.REFUSED, "REFUSED 1/2")
    work_off_inbox(local, clock.now)
    assert Approval.objects.get().status == ApprovalStatus.REFUSED
    assert not Release.objects.exists()
    told = Notification.objects.get(kind="approval_refused")
    assert told.release is None
    assert told.recipients == ["zhangsan", "lisi", "zhaoliu"]
    assert told.title == f"发布申请被拒绝：mall/order-service #{instance_id}"
    assert "- 拒绝人：wangwu" in told.markdown and "- 原因：今天封网" in told.markdown


def test_the_inbox_sees_each_decision_as_a_delivery_of_the_release_form(
    local: LocalApprovals, clock: Clock
) -> None:
    instance_id = local.start("zhangsan", ORDER)

    decide(local, instance_id, "zhaoliu", Decision.APPROVE)

    delivery = InboundEvent.objects.get()
    assert (delivery.instance_id, delivery.form_code) == (instance_id, local.release_form)
    assert delivery.payload == {"status": "pending", "approver": "zhaoliu", "decision": "approve"}
    assert local.changed_since(clock.now - timedelta(hours=1), clock.now) == []
