"""A request of ReleaseGate's own approvals that nobody decided within `[local]
expire_hours` expires: the workers' chore ends it (WITHDRAWN in the port's words,
"EXPIRED" in its own), the inbox hears of it, and the person who asked and every approver
are told. A decision that comes too late is refused."""

from __future__ import annotations

import pytest

from releasegate.config import LocalOptions
from releasegate.releases.approvals.instance import ApprovalStatus
from releasegate.releases.approvals.ports import Decision
from releasegate.releases.local.approvals import LocalApprovals
from releasegate.releases.local.decisions import AlreadyDecided, expire_due
from releasegate.releases.models import Approval, InboundEvent, Notification, Release
from releasegate.releases.tests.local_approvals import ORDER, Clock, work_off_inbox

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def test_a_request_nobody_decided_in_time_expires(local: LocalApprovals, clock: Clock) -> None:
    instance_id = local.start("zhangsan", ORDER)
    local.act(instance_id, "lisi", "lisi", Decision.APPROVE, "")

    assert expire_due(clock.advance(hours=23, minutes=59)) == "0 undecided approval(s) expired"
    assert expire_due(clock.advance(minutes=1)) == "1 undecided approval(s) expired"

    instance = local.get_instance(instance_id)
    assert (instance.status, instance.provider_status) == (ApprovalStatus.WITHDRAWN, "EXPIRED 1/2")
    assert instance.finished_at == clock.now
    expiry = InboundEvent.objects.get(event_type="local_expiry")
    assert (expiry.provider, expiry.instance_id) == ("local", instance_id)
    work_off_inbox(local, clock.now)
    assert Approval.objects.get().status == ApprovalStatus.WITHDRAWN
    assert not Release.objects.exists()


def test_the_person_who_asked_and_every_approver_are_told(
    local: LocalApprovals, clock: Clock
) -> None:
    instance_id = local.start("zhangsan", ORDER)

    expire_due(clock.advance(hours=25))

    told = Notification.objects.get(kind="approval_expired")
    assert told.recipients == ["zhangsan", "lisi", "wangwu", "zhaoliu"]
    assert told.title == f"发布申请已过期：mall/order-service #{instance_id}"
    assert "申请已作废" in told.markdown
    assert told.release is None


def test_it_expires_once_however_often_the_chore_comes(local: LocalApprovals, clock: Clock) -> None:
    local.start("zhangsan", ORDER)
    expire_due(clock.advance(hours=25))

    assert expire_due(clock.advance(minutes=1)) == "0 undecided approval(s) expired"
    assert Notification.objects.filter(kind="approval_expired").count() == 1
    assert InboundEvent.objects.filter(event_type="local_expiry").count() == 1


def test_a_decision_after_its_time_is_refused_and_ends_it(
    local: LocalApprovals, clock: Clock
) -> None:
    instance_id = local.start("zhangsan", ORDER)
    clock.advance(hours=24)

    with pytest.raises(AlreadyDecided) as late:
        local.act(instance_id, "lisi", "lisi", Decision.APPROVE, "")

    assert late.value.message == f"审批 #{instance_id} 已过期"
    assert local.get_instance(instance_id).provider_status == "EXPIRED 0/2"
    assert Notification.objects.filter(kind="approval_expired").count() == 1


def test_a_request_that_never_expires_stays_pending(
    local: LocalApprovals, local_options: LocalOptions, clock: Clock
) -> None:
    never = LocalApprovals(
        local_options.model_copy(update={"expire_hours": 0}), local.mapping, local.page_url, clock
    )
    instance_id = never.start("zhangsan", ORDER)

    expire_due(clock.advance(days=365))

    assert never.get_instance(instance_id).status is ApprovalStatus.PENDING
