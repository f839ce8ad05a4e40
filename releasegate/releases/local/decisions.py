"""Deciding ReleaseGate's own approvals: an approver's decision, and expiry.

Every change is one short transaction that also records a delivery in the inbox, so the
ordinary ingest makes the release (or ends it), as for every platform. Two approvers
deciding at once are serialised on the approval's row (`SELECT … FOR UPDATE` on
PostgreSQL; SQLite's write lock does the same), and the move out of pending is a
conditional update: exactly one decision approves, and an approval that expired in
between takes no decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from releasegate.releases.approvals.errors import ActionRefused, ApprovalNotFound
from releasegate.releases.approvals.ports import Decision
from releasegate.releases.inbox import record_delivery
from releasegate.releases.local import notices
from releasegate.releases.models import (
    LocalApproval,
    LocalApprovalStatus,
    LocalDecision,
    LocalDecisionKind,
)

PROVIDER = "local"
# The one approval form of ReleaseGate's own approvals.
RELEASE_FORM = "release"
# The longest reason an approver may give with a decision (the dashboard and the API).
REASON_LENGTH = 2000
_PENDING = LocalApprovalStatus.PENDING
_ENDED = {
    LocalApprovalStatus.APPROVED: "已通过",
    LocalApprovalStatus.REFUSED: "已被拒绝",
    LocalApprovalStatus.EXPIRED: "已过期",
}


class NotYours(ActionRefused):
    """The person is not among the approval's approvers, or is the one who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message, service=PROVIDER, permanent=True)


class AlreadyDecided(ActionRefused):
    """The person decided already, or the approval is no longer pending
    (`approval_status` says where it stands)."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message, service=PROVIDER, permanent=True)
        self.approval_status = status


def not_found(instance_id: object) -> ApprovalNotFound:
    return ApprovalNotFound(f"没有审批 {instance_id}", service=PROVIDER, permanent=True)


def decide(
    approval_id: int, approver: str, decision: Decision, remark: str, now: datetime
) -> LocalApprovalStatus:
    """Record `approver`'s decision and move the approval on: one refusal refuses it, the
    `required`-th approval approves it. Returns its status after the decision. Raises
    `ApprovalNotFound`, `NotYours` (not an approver, or the person who asked) or
    `AlreadyDecided` (their decision is in, or the approval has ended or just expired)."""
    with transaction.atomic():
        approval = LocalApproval.objects.select_for_update().filter(pk=approval_id).first()
        if approval is None:
            raise not_found(approval_id)
        refusal = _refusal(approval, approver)
        if refusal is None and _overdue(approval, now):
            # Expired although the chore has not come by yet: it ends now, with this
            # transaction, and the decision comes too late.
            _expire(approval, now)
            refusal = AlreadyDecided(f"审批 #{approval.pk} 已过期", approval.status)
        if refusal is None:
            return _record(approval, approver, decision, remark, now)
    raise refusal


def _refusal(approval: LocalApproval, approver: str) -> ActionRefused | None:
    if approver == approval.originator:
        return NotYours("申请人不能审批自己的发布申请")
    if approver not in approval.approvers:
        return NotYours(f"{approver} 不是审批 #{approval.pk} 的审批人")
    if approval.status != _PENDING:
        ended = _ENDED.get(LocalApprovalStatus(approval.status), approval.status)
        return AlreadyDecided(f"审批 #{approval.pk} {ended}", approval.status)
    if approval.decisions.filter(approver=approver).exists():
        return AlreadyDecided(f"{approver} 已经审批过 #{approval.pk}", approval.status)
    return None


def _overdue(approval: LocalApproval, now: datetime) -> bool:
    return approval.expires_at is not None and approval.expires_at <= now


def _record(
    approval: LocalApproval, approver: str, decision: Decision, remark: str, now: datetime
) -> LocalApprovalStatus:
    kind = LocalDecisionKind.APPROVE if decision is Decision.APPROVE else LocalDecisionKind.REFUSE
    try:
        # The constraint has the last word on "once per approver" (a savepoint, so the
        # refusal leaves the transaction usable).
        with transaction.atomic():
            LocalDecision.objects.create(
                approval=approval, approver=approver, decision=kind, remark=remark, decided_at=now
            )
    except IntegrityError:
        raise AlreadyDecided(f"{approver} 已经审批过 #{approval.pk}", approval.status) from None
    status = _status_after(approval)
    if status != _PENDING:
        LocalApproval.objects.filter(pk=approval.pk, status=_PENDING).update(
            status=status, finished_at=now
        )
        approval.status, approval.finished_at = status, now
    _deliver("local_decision", approval, now, approver=approver, decision=kind.value)
    if status == LocalApprovalStatus.REFUSED:
        notices.refused(approval, approver, remark, now)
    return status


def _status_after(approval: LocalApproval) -> LocalApprovalStatus:
    decided = list(approval.decisions.values_list("decision", flat=True))
    if LocalDecisionKind.REFUSE in decided:
        return LocalApprovalStatus.REFUSED
    if decided.count(LocalDecisionKind.APPROVE) >= approval.required:
        return LocalApprovalStatus.APPROVED
    return _PENDING


def expire_due(now: datetime, limit: int = 100) -> str:
    """End the pending approvals whose time is up, telling their people; returns what it
    did (the worker's chore)."""
    due = LocalApproval.objects.filter(status=_PENDING, expires_at__lte=now).order_by(
        "expires_at", "pk"
    )
    expired = 0
    for approval in due[:limit]:
        with transaction.atomic():
            expired += _expire(approval, now)
    return f"{expired} undecided approval(s) expired"


def _expire(approval: LocalApproval, now: datetime) -> bool:
    """Mark it expired unless it has moved on meanwhile (a conditional update); True if
    this call expired it."""
    moved = LocalApproval.objects.filter(pk=approval.pk, status=_PENDING).update(
        status=LocalApprovalStatus.EXPIRED, finished_at=now
    )
    if not moved:
        return False
    approval.status, approval.finished_at = LocalApprovalStatus.EXPIRED, now
    _deliver("local_expiry", approval, now)
    notices.expired(approval, now)
    return True


def _deliver(event_type: str, approval: LocalApproval, now: datetime, **said: Any) -> None:
    """Tell the inbox the approval changed: ingest asks the port and acts."""
    record_delivery(
        via=PROVIDER,
        event_type=event_type,
        provider=PROVIDER,
        instance_id=str(approval.pk),
        payload={"status": approval.status, **said},
        form_code=RELEASE_FORM,
        now=now,
    )
