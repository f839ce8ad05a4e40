"""What an operator may do to a release by hand: cancel it before it runs, or retry it
after it ended in ERROR.

A release not yet triggered (RECEIVED, SCHEDULED) is simply cancelled. A QUEUED one is
cancelled in Jenkins first; only when Jenkins confirms (the item had not started) is the
release cancelled. Anything later is a running build: stop it in Jenkins.

Every ERROR is retryable once its cause is fixed (a token, a permission, Jenkins back):
they all come after the release fired, with its job and parameters frozen. A retry asks
the approval platform again (a revoked or terminated approval refuses it) and checks the
frozen parameters' hash. A release that knows its build goes back to watching it (RUNNING;
the watch sees an `input` step or the ending). Any other goes back to TRIGGERING, and the
engine's recovery (architecture §3) looks for a queue item or build of the job with the
approved parameters since the first attempt before it triggers again: an ERROR after a
trigger whose answer was lost never makes a second build. That one may trigger, so the
rules apply as when a scheduled release fires: the application still offered, its
parameters still valid, releases open now, no other release of the job active.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from releasegate.catalog import snapshot
from releasegate.config import ReleaseOptions
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.lib.http import OutboundError
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.ports import ApprovalSource
from releasegate.releases.engine.policies import parameters_hash, recheck
from releasegate.releases.engine.steps import active_holder, holder_of_the_lock
from releasegate.releases.ingest import ingest_approval
from releasegate.releases.messages import notify
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.transitions import transition
from releasegate.releases.wakeup import work_arrived

S = ReleaseState
logger = logging.getLogger("releasegate.operators")


class CannotCancel(Exception):
    """The release is past the point where cancelling it could stop anything."""


def cancel_release(
    release_id: int, *, actor: str, reason: str = "", jenkins: JenkinsClient | None = None
) -> Release:
    """Cancel the release and tell its people; raises `CannotCancel` with why not."""
    release = Release.objects.get(pk=release_id)
    why = f"由 {actor} 取消" + (f"：{reason}" if reason else "")
    if release.state == S.QUEUED:
        if jenkins is None or release.queue_id is None:
            raise CannotCancel(_("Queued in Jenkins: cancelling it needs Jenkins."))
        if not _cancelled_in_jenkins(jenkins, release):
            raise CannotCancel(_("The build has already left the queue: stop it in Jenkins."))
    elif release.state not in (S.RECEIVED, S.SCHEDULED):
        raise CannotCancel(
            _("The release is %(state)s: only a scheduled or queued one can be cancelled.")
            % {"state": release.state}
        )
    now = timezone.now()
    with transaction.atomic():
        current = Release.objects.select_for_update().get(pk=release_id)
        if current.state != release.state:
            raise CannotCancel(
                _("The release moved on to %(state)s meanwhile.") % {"state": current.state}
            )
        current.reason, current.next_run_at = why, None
        transition(current, S.CANCELLED, actor=actor, reason=why, now=now)
        current.save(update_fields=["reason", "next_run_at"])
        notify(current, "cancelled", now=now)
    return current


def _cancelled_in_jenkins(jenkins: JenkinsClient, release: Release) -> bool:
    """Whether Jenkins cancelled the release's queue item. A failure to ask is logged
    here (the operator is shown it, and nothing tries again for them) and raised."""
    try:
        return jenkins.cancel_queue_item(release.queue_id or 0)
    except OutboundError as exc:
        logger.error(
            "release %s: cancelling queue item %s in Jenkins failed: %s",
            release.pk,
            release.queue_id,
            exc,
            extra={"release_id": release.pk, "service": exc.service, "status": exc.status},
        )
        raise


class CannotRetry(Exception):
    """The release may not be retried (now); the message says why."""


def retry_release(
    release_id: int,
    *,
    actor: str,
    reason: str = "",
    sources: Mapping[str, ApprovalSource] | None = None,
    options: ReleaseOptions | None = None,
    now: datetime | None = None,
) -> Release:
    """Take an ERROR release up again (see the module's docstring); the worker goes on
    from the state it is moved to. Raises `CannotRetry` with why not, and the approval
    platform's `OutboundError` when the platform cannot be asked."""
    moment = now or timezone.now()
    release = Release.objects.select_related("approval").get(pk=release_id)
    _retryable(release)
    rules = options or settings.CONFIG.options.releases
    fires = release.build_number is None
    if fires:
        _may_fire(release, rules, moment)
    locks = fires and rules.one_active_per_application
    if locks:
        # Said before the platform is asked: a busy application is the refusal an
        # operator may meet several times in a row, and each ask costs API quota.
        _refuse_if_held(active_holder(release))
    _still_approved(release, registry.sources() if sources is None else sources, moment)
    with transaction.atomic():
        current = Release.objects.select_for_update().get(pk=release_id)
        if current.version != release.version:
            raise CannotRetry(
                _("The release moved on to %(state)s meanwhile.") % {"state": current.state}
            )
        if locks:
            _refuse_if_held(holder_of_the_lock(current))
        _resume(current, actor, reason, moment)
        transaction.on_commit(work_arrived.set)
    return current


def _retryable(release: Release) -> None:
    if release.state != S.ERROR:
        raise CannotRetry(
            _("The release is %(state)s: only one that ended in ERROR can be retried.")
            % {"state": release.state}
        )
    frozen = parameters_hash(release.job_full_name, release.approved_parameters)
    if frozen != release.parameters_hash:
        raise CannotRetry(_("Its parameters were changed after approval: it cannot run."))


def _still_approved(release: Release, sources: Mapping[str, ApprovalSource], now: datetime) -> None:
    """Ask the approval's platform again (what it says is stored, as any delivery's
    answer is): only an approval still granted may run."""
    approval = release.approval
    source = sources.get(approval.provider)
    if source is None:
        raise CannotRetry(
            _("%(platform)s is not configured: whether the approval still holds is unknown.")
            % {"platform": approval.provider}
        )
    ingest_approval(source, approval.instance_id, via="retry", form_vouched=True, now=now)
    approval.refresh_from_db()
    if not approval.granted:
        raise CannotRetry(
            _("The approval no longer holds (%(status)s): it cannot run.")
            % {"status": approval.provider_status or approval.status}
        )


def _may_fire(release: Release, options: ReleaseOptions, now: datetime) -> None:
    """The checks of a scheduled release that fires: a retry may trigger too. Outside
    the release windows it is refused rather than held: the operator asked for now."""
    verdict = recheck(release, snapshot.current(), options, now)
    refusal = verdict.reason or verdict.held
    if refusal:
        raise CannotRetry(_("The rules refuse it now: %(why)s") % {"why": refusal})


def _refuse_if_held(holder: Release | None) -> None:
    """`holder`: another active release of the job, which holds its lock."""
    if holder is not None:
        raise CannotRetry(
            _("Release %(id)s of the same application is active: retry once it has ended.")
            % {"id": holder.pk}
        )


def _resume(release: Release, actor: str, reason: str, now: datetime) -> None:
    """Back to RUNNING when the build is known, else TRIGGERING; the trigger's first
    attempt time is kept, so the recovery looks back to it."""
    details = {"error": release.reason}
    if release.build_number is not None:
        target = S.RUNNING
        details["resumes"] = f"build #{release.build_number}"
        # An input step's wait is counted again from now: ReleaseGate was not watching.
        release.input_waiting_since = None
    else:
        target = S.TRIGGERING
        details["resumes"] = "looks for the earlier attempt's build before triggering"
        if release.queue_id is not None:
            details["queue_id"] = str(release.queue_id)
        # TRIGGERING has no queue item: the recovery finds it again if Jenkins has it.
        release.queue_id = None
    release.reason, release.attempts, release.next_run_at = "", 0, now
    said = f"retried by {actor}" + (f": {reason}" if reason else "")
    transition(release, target, actor=actor, reason=said, details=details, now=now)
    release.save(
        update_fields=["reason", "attempts", "next_run_at", "queue_id", "input_waiting_since"]
    )
