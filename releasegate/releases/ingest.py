"""Ingest: whatever told us an approval changed, ask the provider and act on its answer.

One handler for every way in (connector node, event push, Stream, reconcile). It never
trusts a payload: it fetches the instance from DingTalk's API, records what it learned,
and creates exactly one `Release` per approved instance (a unique constraint makes
concurrent duplicate deliveries harmless). An approval that ends without approval cancels
a release that has not started. The state machine beyond RECEIVED is the engine's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application
from releasegate.config import FormMapping, ReleaseOptions
from releasegate.integrations.dingtalk.errors import NotFound
from releasegate.integrations.dingtalk.models import ApprovalInstance
from releasegate.lib.log_context import bind_release, scoped
from releasegate.releases.form import UnreadableTime, parse_release_time, read_form
from releasegate.releases.messages import notify
from releasegate.releases.models import Approval, Release, ReleaseState
from releasegate.releases.models.release import NOT_STARTED_STATES
from releasegate.releases.parameters import requested_parameters
from releasegate.releases.transitions import record, transition
from releasegate.releases.wakeup import work_arrived


class ApprovalSource(Protocol):
    """Where the truth about an approval comes from (DingTalk's API client)."""

    def get_instance(self, instance_id: str) -> ApprovalInstance: ...

    def list_instance_ids(
        self,
        process_code: str,
        start_ms: int,
        end_ms: int | None = None,
        statuses: Iterable[str] | None = None,
    ) -> list[str]: ...


# How far around an instance's creation time to look for it in its form's list.
_MEMBERSHIP_WINDOW_MS = 5 * 60 * 1000


@dataclass(frozen=True)
class IngestOutcome:
    instance_id: str
    status: str
    result: str
    release_id: int | None = None
    created: bool = False
    cancelled: bool = False

    def describe(self) -> str:
        if self.status == "FOREIGN":
            return "ignored: not an instance of the release approval form"
        if self.created:
            return f"release {self.release_id} created"
        if self.cancelled:
            return f"release {self.release_id} cancelled: approval {self.status} {self.result}"
        if self.release_id is not None:
            return f"release {self.release_id} already exists"
        return f"approval {self.status} {self.result}".strip()


@scoped
def ingest_approval(
    source: ApprovalSource,
    instance_id: str,
    *,
    via: str,
    mapping: FormMapping,
    options: ReleaseOptions,
    process_code: str,
    process_code_seen: str | None = None,
    now: datetime | None = None,
) -> IngestOutcome:
    """Fetch the instance and bring our records in line with it (idempotent).

    Only instances of the release form (`process_code`) are released: a signed event
    names its form (`process_code_seen`, checked before anything is asked); otherwise
    the form's own list of instances must contain it.

    Raises the source's `OutboundError` when DingTalk cannot be asked; nothing is
    recorded then, and the caller retries later. An instance DingTalk says does not exist
    (deleted) ends a release that has not started, like a revocation.
    """
    moment = now or timezone.now()
    try:
        instance = source.get_instance(instance_id)
        changes = [instance] if instance.main_process_instance_id else []
        if changes:
            # A revocation or modification after approval is its own, attached instance;
            # what it changes is the main one, so that is the one to look at.
            instance = source.get_instance(instance.main_process_instance_id)
    except NotFound as missing:
        return _vanished(instance_id, moment, missing)
    taken_back = _taken_back(source, instance, changes)
    with transaction.atomic():
        for change in changes:
            _remember(change, moment)
        approval = _remember(instance, moment, taken_back)
        # Taken back, as this answer or an earlier one showed (ours may be older).
        withdrawn = approval.taken_back
        if instance.approved and not withdrawn:
            if process_code_seen is None and not _of_the_form(source, instance, process_code):
                return IngestOutcome(instance.instance_id, "FOREIGN", "")
            return _receive(approval, instance, via, mapping, options, moment)
        # Locked: a worker about to trigger it waits, or has already moved it on.
        release = Release.objects.select_for_update().filter(approval=approval).first()
        if (instance.ended_without_approval or withdrawn) and release is not None:
            return _withdraw(release, instance, moment, taken_back)
    return IngestOutcome(
        instance_id,
        instance.status.value,
        instance.result.value,
        release_id=release.pk if release else None,
    )


def _taken_back(
    source: ApprovalSource, instance: ApprovalInstance, known: list[ApprovalInstance]
) -> ApprovalInstance | None:
    """The change after approval that takes `instance` back, if any. Where DingTalk shows
    a revocation on the approved instance itself is not documented (reference section 7),
    so besides its own bizAction every attached instance it lists is read. An attached
    instance DingTalk no longer has changes nothing."""
    if not instance.approved or not instance.attached_process_instance_ids:
        return None
    fetched = {change.instance_id: change for change in known}
    for attached_id in instance.attached_process_instance_ids:
        change = fetched.get(attached_id)
        if change is None:
            try:
                change = source.get_instance(attached_id)
            except NotFound:
                continue
        if change.takes_back_approval:
            return change
    return None


def _of_the_form(source: ApprovalSource, instance: ApprovalInstance, process_code: str) -> bool:
    """Whether DingTalk lists the instance among the release form's own."""
    if instance.create_time is None:
        return False
    created = int(instance.create_time.timestamp() * 1000)
    listed = source.list_instance_ids(
        process_code, created - _MEMBERSHIP_WINDOW_MS, created + _MEMBERSHIP_WINDOW_MS
    )
    return instance.instance_id in listed


def _remember(
    instance: ApprovalInstance, now: datetime, taken_back: ApprovalInstance | None = None
) -> Approval:
    """Store what DingTalk says of the instance; a change that took it back is kept as
    its bizAction, which the engine checks again before triggering."""
    fields = {
        "title": instance.title[:500],
        "status": instance.status.value,
        "result": instance.result.value,
        "biz_action": (taken_back or instance).biz_action.value,
        "originator_user_id": instance.originator_user_id[:128],
        "approver_user_ids": list(instance.approvers),
        "agreed_by": list(instance.agreed_by),
        "form": [{"name": f.name, "value": f.value} for f in instance.form],
        "created_at_provider": instance.create_time,
        "finished_at_provider": instance.finish_time,
        "refreshed_at": now,
    }
    # Locked, so the check below and the write are one step.
    known = (
        Approval.objects.select_for_update()
        .filter(provider="dingtalk", instance_id=instance.instance_id)
        .first()
    )
    if known is None:
        approval, _ = Approval.objects.update_or_create(
            provider="dingtalk",
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


_FINISHED = ("COMPLETED", "TERMINATED", "CANCELED", "DELETED")
_DECIDED = ("status", "result", "approver_user_ids", "agreed_by", "finished_at_provider")


def _keep_what_moved_on(known: Approval, fields: dict[str, Any]) -> None:
    """An instance only moves forward: RUNNING to finished, NONE to a revocation. Two
    deliveries of one approval may be processed side by side, and DingTalk's answer to
    the one that asked first (still RUNNING, say, while the connector node waited) may be
    stored after the other's (COMPLETED + agree); that stale answer must not undo what is
    known, or a release would be cancelled as no longer approved."""
    if known.status in _FINISHED and fields["status"] not in _FINISHED:
        for name in _DECIDED:
            del fields[name]
    if known.taken_back and fields["biz_action"] in ("", "NONE"):
        del fields["biz_action"]


def _receive(
    approval: Approval,
    instance: ApprovalInstance,
    via: str,
    mapping: FormMapping,
    options: ReleaseOptions,
    now: datetime,
) -> IngestOutcome:
    request = read_form({f.name: f.value for f in instance.form}, mapping)
    try:
        requested_time = parse_release_time(request.release_time_text, options)
    except UnreadableTime:
        requested_time = None  # kept as text; the policies refuse it with a reason
    offered = find_application(snapshot.current(), request.application, request.project)
    release, created = Release.objects.get_or_create(
        approval=approval,
        defaults={
            # What a form says is stored, but never longer than its column holds.
            "project_key": (offered.project_key if offered else request.project)[:255],
            "application_name": (offered.full_name if offered else request.application)[:1000],
            "application_id": offered.id if offered else None,
            "release_type": request.release_type[:100],
            "requested_time": requested_time,
            "requested_time_text": request.release_time_text[:100],
            "has_db_change": request.has_db_change,
            "db_change_done": request.db_change_done,
            "requested_parameters": (
                requested_parameters(request, offered, mapping) if offered else request.parameters
            ),
            "originator_user_id": instance.originator_user_id[:128],
            "approver_user_ids": list(instance.agreed_by or instance.approvers),
            "received_via": via,
            "received_at": now,
            "next_run_at": now,
            "updated_at": now,
        },
    )
    bind_release(release.pk)
    if created:
        transaction.on_commit(work_arrived.set)
        record(
            release,
            "received",
            actor=f"dingtalk:{instance.originator_user_id}",
            now=now,
            to_state=ReleaseState.RECEIVED,
            reason=f"approved by {', '.join(instance.agreed_by) or 'the approvers'} ({via})",
            details={
                "instance_id": instance.instance_id,
                "title": instance.title,
                "form": [{"name": f.name, "value": f.value} for f in instance.form],
            },
        )
    return IngestOutcome(
        instance.instance_id,
        instance.status.value,
        instance.result.value,
        release_id=release.pk,
        created=created,
    )


def _vanished(instance_id: str, now: datetime, missing: NotFound) -> IngestOutcome:
    """DingTalk no longer knows the instance: remember that, and stop a release of it
    that has not started. Nothing is created for an instance we never saw."""
    with transaction.atomic():
        approval = Approval.objects.filter(provider="dingtalk", instance_id=instance_id).first()
        if approval is None:
            raise missing
        approval.status, approval.refreshed_at = "DELETED", now
        approval.save(update_fields=["status", "refreshed_at"])
        release = Release.objects.select_for_update().filter(approval=approval).first()
        bind_release(release.pk if release else None)
        if release is None or release.state not in NOT_STARTED_STATES:
            return IngestOutcome(instance_id, "DELETED", "", release.pk if release else None)
        _cancel(release, "审批实例已被删除 (DingTalk no longer has the approval)", now)
        return IngestOutcome(instance_id, "DELETED", "", release.pk, cancelled=True)


def _withdraw(
    release: Release,
    instance: ApprovalInstance,
    now: datetime,
    taken_back: ApprovalInstance | None = None,
) -> IngestOutcome:
    """The approval ended without being granted, or was taken back after it: stop the
    release if it has not started."""
    bind_release(release.pk)
    outcome = IngestOutcome(
        instance.instance_id, instance.status.value, instance.result.value, release_id=release.pk
    )
    action = (taken_back or instance).biz_action.value
    why = f"approval {instance.status.value} {instance.result.value} {action}"
    if taken_back is not None:
        why += f" by {taken_back.instance_id}"
    if release.state not in NOT_STARTED_STATES:
        if not release.events.filter(kind="approval-withdrawn").exists():
            record(
                release,
                "approval-withdrawn",
                actor="ingest",
                now=now,
                reason=f"{why.strip()} after the release had started; nothing stopped",
            )
        return outcome
    _cancel(release, f"审批已撤销或被拒绝 ({why.strip()})", now)
    return IngestOutcome(
        outcome.instance_id, outcome.status, outcome.result, release.pk, cancelled=True
    )


def _cancel(release: Release, why: str, now: datetime) -> None:
    """Cancel a release that has not started, keep why, and tell its people."""
    release.reason, release.next_run_at = why, None
    transition(release, ReleaseState.CANCELLED, actor="ingest", now=now, reason=why)
    release.save(update_fields=["reason", "next_run_at"])
    notify(release, "cancelled", now=now)
