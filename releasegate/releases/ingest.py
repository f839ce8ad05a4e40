"""Ingest: whatever told us an approval changed, ask its platform and act on the answer.

One handler for every way in (a platform's event push or stream, DingTalk's connector
node, a request started here, reconcile). It never trusts a payload: it asks the
platform through the approval port, records what it learned, and creates exactly one
`Release` per approved instance (a unique constraint makes concurrent duplicate
deliveries harmless). An approval that ends without approval, or is taken back after it,
cancels a release that has not started. The state machine beyond RECEIVED is the
engine's.

Fetch first, then one short transaction: every question to the platform is asked before
the approval's row is locked (on SQLite that lock is the whole database's write lock).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application
from releasegate.lib.log_context import bind_release, scoped
from releasegate.releases.approvals.errors import ApprovalNotFound
from releasegate.releases.approvals.instance import (
    ApprovalInstance,
    ApprovalStatus,
    TaskDecision,
)
from releasegate.releases.approvals.ports import ApprovalSource
from releasegate.releases.cards import attach_sent_cards, timeline_entries
from releasegate.releases.form import RequestedRelease, UnreadableTime, parse_release_time
from releasegate.releases.messages import notify
from releasegate.releases.models import Approval, InboundEvent, Release, ReleaseState
from releasegate.releases.models.release import NOT_STARTED_STATES
from releasegate.releases.parameters import requested_parameters
from releasegate.releases.rollbacks import mark_if_rollback
from releasegate.releases.transitions import record, transition
from releasegate.releases.wakeup import work_arrived

# The task decisions worth an audit row (not a task handed on, or closed by another's).
_SAID = (TaskDecision.APPROVED, TaskDecision.REFUSED)
_EMPTY_REQUEST = RequestedRelease("", "", "", "", has_db_change=False, db_change_done=False)


@dataclass(frozen=True)
class IngestOutcome:
    instance_id: str
    status: str
    provider_status: str = ""
    release_id: int | None = None
    created: bool = False
    cancelled: bool = False
    foreign: bool = False

    def describe(self) -> str:
        if self.foreign:
            return "ignored: not an instance of the release approval form"
        if self.created:
            return f"release {self.release_id} created"
        if self.cancelled:
            return f"release {self.release_id} cancelled: approval {self._words}"
        if self.release_id is not None:
            return f"release {self.release_id} already exists"
        return f"approval {self._words}"

    @property
    def _words(self) -> str:
        return self.provider_status or self.status


@scoped
def ingest_approval(
    source: ApprovalSource,
    instance_id: str,
    *,
    via: str,
    form_vouched: bool = False,
    now: datetime | None = None,
) -> IngestOutcome:
    """Ask the platform about the approval and bring our records in line (idempotent).

    Only approvals of the release form are released: an authenticated delivery that
    named the form vouches for it (`form_vouched`); otherwise the platform is asked.

    Raises the platform's `OutboundError` when it cannot be asked; nothing is recorded
    then, and the caller retries later. An approval the platform says does not exist
    (deleted) ends a release that has not started, like a revocation.
    """
    moment = now or timezone.now()
    try:
        instance = source.get_instance(instance_id)
    except ApprovalNotFound as missing:
        return _vanished(source.provider, instance_id, moment, missing)
    foreign = (
        instance.approved
        and not form_vouched
        and not _released_already(instance)
        and not source.is_release_form(instance)
    )
    with transaction.atomic():
        approval = _remember(instance, moment)
        if instance.approved and approval.granted:
            if foreign:
                return IngestOutcome(instance.instance_id, "FOREIGN", foreign=True)
            return _receive(approval, instance, via, moment)
        # Locked: a worker about to trigger it waits, or has already moved it on.
        release = Release.objects.select_for_update().filter(approval=approval).first()
        if (instance.ended_without_approval or approval.taken_back) and release is not None:
            return _withdraw(release, approval, moment)
    return IngestOutcome(
        instance.instance_id,
        instance.status.value,
        instance.provider_status,
        release_id=release.pk if release else None,
    )


def _released_already(instance: ApprovalInstance) -> bool:
    """A release exists for it: the form was checked when it was made."""
    return Release.objects.filter(
        approval__provider=instance.provider, approval__instance_id=instance.instance_id
    ).exists()


def _remember(instance: ApprovalInstance, now: datetime) -> Approval:
    """Store what the platform says of the approval."""
    fields: dict[str, Any] = {
        "title": instance.title[:500],
        "status": instance.status.value,
        "provider_status": instance.provider_status[:200],
        "taken_back": instance.taken_back,
        "taken_back_by": instance.taken_back_by[:200],
        "originator_user_id": instance.originator_user_id[:128],
        "approver_user_ids": list(instance.approvers),
        "approved_by": list(instance.approved_by),
        "tasks": [task.as_json() for task in instance.tasks],
        "links": [{"label": link.label, "url": link.url} for link in instance.links],
        "form": [{"name": name, "value": value} for name, value in instance.form],
        "created_at_provider": instance.created_at,
        "finished_at_provider": instance.finished_at,
        "refreshed_at": now,
    }
    # Locked, so the check below and the write are one step.
    known = (
        Approval.objects.select_for_update()
        .filter(provider=instance.provider, instance_id=instance.instance_id)
        .first()
    )
    if known is None:
        approval, _ = Approval.objects.update_or_create(
            provider=instance.provider,
            instance_id=instance.instance_id,
            defaults=fields,
            create_defaults={**fields, "first_seen_at": now},
        )
        return approval
    _keep_what_moved_on(known, fields)
    for name, value in fields.items():
        setattr(known, name, value)
    known.save(update_fields=list(fields))
    return known


_DECIDED = (
    "status",
    "provider_status",
    "approver_user_ids",
    "approved_by",
    "tasks",
    "finished_at_provider",
)


def _keep_what_moved_on(known: Approval, fields: dict[str, Any]) -> None:
    """An approval only moves forward: pending to decided, granted to taken back. Two
    deliveries of one approval may be processed side by side, and the platform's answer
    to the one that asked first (still pending, say, while DingTalk's connector node
    waited) may be stored after the other's (approved); that stale answer must not undo
    what is known, or a release would be cancelled as no longer approved."""
    if known.status != ApprovalStatus.PENDING and fields["status"] == ApprovalStatus.PENDING:
        for name in _DECIDED:
            del fields[name]
    if known.taken_back and not fields["taken_back"]:
        del fields["taken_back"], fields["taken_back_by"]


def _receive(
    approval: Approval, instance: ApprovalInstance, via: str, now: datetime
) -> IngestOutcome:
    request = instance.request or _EMPTY_REQUEST
    release, created = Release.objects.get_or_create(
        approval=approval, defaults=_release_fields(instance, request, via, now)
    )
    bind_release(release.pk)
    if created:
        transaction.on_commit(work_arrived.set)
        _record_decisions(release, instance)
        _record_card_clicks(release, instance)
        timeline_entries(release)
        attach_sent_cards(release)
        mark_if_rollback(release)
        record(
            release,
            "received",
            actor=f"{instance.provider}:{instance.originator_user_id}",
            now=now,
            to_state=ReleaseState.RECEIVED,
            reason=f"approved by {', '.join(instance.approved_by) or 'the approvers'} ({via})",
            details={
                "provider": instance.provider,
                "instance_id": instance.instance_id,
                "title": instance.title,
                "form": [{"name": name, "value": value} for name, value in instance.form],
            },
        )
    return IngestOutcome(
        instance.instance_id,
        instance.status.value,
        instance.provider_status,
        release_id=release.pk,
        created=created,
    )


def _record_decisions(release: Release, instance: ApprovalInstance) -> None:
    """Each approver's decision, at its time, in the new release's audit trail (whatever
    the platform: who approved is part of what a release was made from). Written before
    the release's arrival, which a decision at the same moment preceded."""
    for task in instance.tasks:
        if task.decision in _SAID and task.decided_at is not None:
            said = task.decision.value
            record(
                release,
                "approver-decision",
                actor=f"{instance.provider}:{task.user_id}",
                now=task.decided_at,
                reason=f"{said}: {task.remark}" if task.remark else said,
                details={"decision": said, "remark": task.remark},
            )


def _record_card_clicks(release: Release, instance: ApprovalInstance) -> None:
    """The clicks on the approval's chat cards before the release existed (a platform
    keeps each as an inbox row `via="card"`, with what came of it): who clicked what is
    part of how the release was decided, and so is a click that did nothing."""
    clicks = InboundEvent.objects.filter(
        provider=instance.provider, instance_id=instance.instance_id, via="card"
    ).order_by("received_at", "pk")
    for click in clicks:
        payload = click.payload if isinstance(click.payload, dict) else {}
        action = str(payload.get("action", ""))
        record(
            release,
            "card-click",
            actor=f"{instance.provider}:{payload.get('operator', '')}",
            now=click.received_at,
            reason=f"{action} clicked on a decision card: {click.outcome}",
            details={
                "action": action,
                "task_id": str(payload.get("task_id", "")),
                "event_id": click.delivery_id,
            },
        )


def _release_fields(
    instance: ApprovalInstance, request: RequestedRelease, via: str, now: datetime
) -> dict[str, Any]:
    """What a new release records of its approved request. What a form says is stored,
    but never longer than its column holds."""
    options = settings.CONFIG.options
    try:
        requested_time = parse_release_time(request.release_time_text, options.releases)
    except UnreadableTime:
        requested_time = None  # kept as text; the policies refuse it with a reason
    offered = find_application(snapshot.current(), request.application, request.project)
    return {
        "project_key": (offered.project_key if offered else request.project)[:255],
        "application_name": (offered.full_name if offered else request.application)[:1000],
        "application_id": offered.id if offered else None,
        "release_type": request.release_type[:100],
        "requested_time": requested_time,
        "requested_time_text": request.release_time_text[:100],
        "has_db_change": request.has_db_change,
        "db_change_done": request.db_change_done,
        "requested_parameters": (
            requested_parameters(request, offered, options.form) if offered else request.parameters
        ),
        "request": dataclasses.asdict(request),
        "originator_user_id": instance.originator_user_id[:128],
        "approver_user_ids": list(instance.approved_by or instance.approvers),
        "received_via": via,
        "received_at": now,
        "next_run_at": now,
        "updated_at": now,
    }


def _vanished(
    provider: str, instance_id: str, now: datetime, missing: ApprovalNotFound
) -> IngestOutcome:
    """The platform no longer knows the approval: remember that, and stop a release of it
    that has not started. Nothing is created for an approval we never saw."""
    deleted = ApprovalStatus.DELETED.value
    with transaction.atomic():
        approval = Approval.objects.filter(provider=provider, instance_id=instance_id).first()
        if approval is None:
            raise missing
        approval.status, approval.refreshed_at = deleted, now
        approval.save(update_fields=["status", "refreshed_at"])
        release = Release.objects.select_for_update().filter(approval=approval).first()
        bind_release(release.pk if release else None)
        if release is None or release.state not in NOT_STARTED_STATES:
            return IngestOutcome(instance_id, deleted, release_id=release.pk if release else None)
        _cancel(release, f"审批实例已被删除 ({provider} no longer has the approval)", now)
        return IngestOutcome(instance_id, deleted, release_id=release.pk, cancelled=True)


def _withdraw(release: Release, approval: Approval, now: datetime) -> IngestOutcome:
    """The approval ended without being granted, or was taken back after it: stop the
    release if it has not started."""
    bind_release(release.pk)
    words = approval.provider_status or approval.status
    outcome = IngestOutcome(approval.instance_id, approval.status, words, release_id=release.pk)
    why = f"approval {words}"
    if approval.taken_back_by:
        why += f" by {approval.taken_back_by}"
    if release.state not in NOT_STARTED_STATES:
        if not release.events.filter(kind="approval-withdrawn").exists():
            record(
                release,
                "approval-withdrawn",
                actor="ingest",
                now=now,
                reason=f"{why} after the release had started; nothing stopped",
            )
        return outcome
    _cancel(release, f"审批已撤销或被拒绝 ({why})", now)
    return IngestOutcome(
        outcome.instance_id, outcome.status, words, release_id=release.pk, cancelled=True
    )


def _cancel(release: Release, why: str, now: datetime) -> None:
    """Cancel a release that has not started, keep why, and tell its people."""
    release.reason, release.next_run_at = why, None
    transition(release, ReleaseState.CANCELLED, actor="ingest", now=now, reason=why)
    release.save(update_fields=["reason", "next_run_at"])
    notify(release, "cancelled", now=now)
