"""Approvers deciding the same request at the same moment (in separate threads and
database connections, as separate web processes would): every decision is counted once,
the request is approved exactly once, a decision that comes after it is refused, and one
release is made. An expiry racing a decision ends the request once, too."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from releasegate.releases.approvals.errors import ActionRefused
from releasegate.releases.approvals.ports import Decision
from releasegate.releases.local.approvals import LocalApprovals
from releasegate.releases.local.decisions import AlreadyDecided, expire_due
from releasegate.releases.models import (
    InboundEvent,
    LocalApproval,
    LocalDecision,
    Notification,
    Release,
)
from releasegate.releases.tests.local_approvals import ORDER, Clock, work_off_inbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]


def at_once(*calls: Callable[[], object]) -> list[BaseException]:
    """Run each call in its own thread and connection, released together; what they
    raised."""
    start = threading.Barrier(len(calls))
    raised: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            start.wait(5)
            call()
        except BaseException as exc:  # collected for the test to look at
            raised.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return raised


def approving(local: LocalApprovals, instance_id: str, who: str) -> Callable[[], None]:
    return lambda: local.act(instance_id, who, who, Decision.APPROVE, "")


def test_three_approvers_at_once_approve_it_exactly_once(
    local: LocalApprovals, clock: Clock
) -> None:
    instance_id = local.start("zhangsan", ORDER)

    raised = at_once(*(approving(local, instance_id, who) for who in ("lisi", "wangwu", "zhaoliu")))

    # Two of three are needed: the one who came last found it approved.
    assert [type(exc) for exc in raised] == [AlreadyDecided]
    assert LocalDecision.objects.count() == 2
    approval = LocalApproval.objects.get()
    assert (approval.status, approval.finished_at) == ("approved", clock.now)
    assert InboundEvent.objects.count() == 2
    work_off_inbox(local, clock.now)
    assert Release.objects.count() == 1
    assert Release.objects.get().events.filter(kind="approver-decision").count() == 2


def test_the_same_approver_twice_at_once_is_counted_once(
    local: LocalApprovals, clock: Clock
) -> None:
    instance_id = local.start("zhangsan", ORDER)

    raised = at_once(approving(local, instance_id, "lisi"), approving(local, instance_id, "lisi"))

    assert [type(exc) for exc in raised] == [AlreadyDecided]
    assert LocalDecision.objects.count() == 1
    assert LocalApproval.objects.get().status == "pending"


def test_a_decision_racing_the_expiry_ends_it_once(local: LocalApprovals, clock: Clock) -> None:
    instance_id = local.start("zhangsan", ORDER)
    clock.advance(hours=24)

    raised = at_once(approving(local, instance_id, "lisi"), lambda: expire_due(clock.now))

    assert [type(exc) for exc in raised] == [AlreadyDecided]
    assert isinstance(raised[0], ActionRefused)
    assert not LocalDecision.objects.exists()
    assert LocalApproval.objects.get().status == "expired"
    assert Notification.objects.filter(kind="approval_expired").count() == 1
    assert InboundEvent.objects.filter(event_type="local_expiry").count() == 1
