"""One step of a release, by state: receive (policies), fire (intent), trigger, follow the
queue. Each step reads the real state where it can and writes what it learned in one
fenced transaction, so a step repeated after any crash is harmless (docs/architecture.md
§3). RUNNING and WAITING_INPUT are watched per job in watch.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from releasegate.catalog.models import Application
from releasegate.integrations.jenkins.models import Build, QueueItem, QueueState, Triggered
from releasegate.lib.http import OutboundError
from releasegate.lib.log_context import working_on
from releasegate.releases.engine.context import CLOCK_SKEW, EngineContext
from releasegate.releases.engine.fence import LostClaim, fenced
from releasegate.releases.engine.policies import judge, parameters_hash, recheck
from releasegate.releases.messages import notify
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.transitions import record, transition

logger = logging.getLogger("releasegate.engine")
S = ReleaseState
# Releases of a job that hold its "one active release" lock.
ACTIVE = (S.TRIGGERING, S.QUEUED, S.RUNNING, S.WAITING_INPUT)


def step(context: EngineContext, release_id: int, version: int) -> None:
    """Run the step the release's state calls for; a lost claim ends it quietly."""
    state = Release.objects.values_list("state", flat=True).get(pk=release_id)
    handler = STEPS.get(state)
    if handler is None:
        return
    with working_on(release_id):
        try:
            handler(context, release_id, version)
        except LostClaim as lost:
            logger.info("%s", lost)


def receive(context: EngineContext, release_id: int, version: int) -> None:
    """Policies on arrival: REJECTED with the reason, or SCHEDULED with the parameters
    and the time frozen."""
    now = context.clock()
    with fenced(release_id, version) as release:
        verdict = judge(release, context.catalog(), context.form, context.options, now)
        if verdict.reason is not None:
            _end(release, S.REJECTED, "policy", verdict.reason, "rejected", now)
            return
        release.job_full_name = verdict.job
        release.approved_parameters = verdict.parameters
        release.parameters_hash = parameters_hash(release.job_full_name, verdict.parameters)
        release.scheduled_for = verdict.run_at
        release.next_run_at = verdict.run_at or now
        when = f"at {verdict.run_at.isoformat()}" if verdict.run_at else "now"
        transition(
            release,
            S.SCHEDULED,
            actor="policy",
            now=now,
            reason=f"approved parameters frozen; runs {when}",
            details={"parameters": verdict.parameters, "held": verdict.held},
        )
        if verdict.held:
            # Why it waits goes in the message only: `reason` is the reason of an ending.
            notify(release, "held", now=now, **{"原因": verdict.held})
        elif verdict.run_at is not None:
            notify(release, "scheduled", now=now)
    if verdict.reason is None and verdict.run_at is None:
        # Due now: no reason to wait for the next pass to fire it.
        fire(context, release_id, release.version)


def fire(context: EngineContext, release_id: int, version: int) -> None:
    """A due SCHEDULED release: check again, wait for the job's lock, then commit the
    intent to trigger (TRIGGERING, with the attempt's time) before calling Jenkins."""
    now = context.clock()
    with fenced(release_id, version) as release:
        approval = release.approval
        if not approval.granted:
            why = f"审批已不再有效（{approval.provider_status or approval.status}）"
            _end(release, S.CANCELLED, "worker", why, "cancelled", now)
            return
        verdict = recheck(release, context.catalog(), context.options, now)
        if verdict.reason is not None:
            _end(release, S.REJECTED, "policy", verdict.reason, "rejected", now)
            return
        if verdict.run_at is not None and verdict.run_at > now:
            release.scheduled_for = release.next_run_at = verdict.run_at
            record(
                release,
                "held",
                actor="policy",
                now=now,
                reason=verdict.held or "",
                details={"until": verdict.run_at.isoformat()},
            )
            return
        if _waits_for_the_lock(context, release):
            return
        release.trigger_attempted_at, release.attempts = now, 0
        release.next_run_at = now + context.lease
        transition(
            release,
            S.TRIGGERING,
            actor="worker",
            now=now,
            reason="intent to trigger committed before calling Jenkins",
        )
    trigger(context, release_id, release.version, first_attempt=True)


def _waits_for_the_lock(context: EngineContext, release: Release) -> bool:
    if not context.options.one_active_per_application:
        return False
    holder = holder_of_the_lock(release)
    if holder is None:
        return False
    moment = context.clock()
    if context.options.reject_when_busy:
        _end(
            release,
            S.REJECTED,
            "policy",
            f"该应用正在发布中（发布 #{holder.pk}）",
            "rejected",
            moment,
        )
        return True
    if not _said_it_waits_for(release, holder):
        record(
            release,
            "waiting",
            actor="policy",
            now=moment,
            reason=f"one release of {release.job_full_name} at a time: #{holder.pk} runs",
            details={"holder": holder.pk},
        )
    release.next_run_at = moment + context.poll
    return True


def holder_of_the_lock(release: Release) -> Release | None:
    """The other release of the job that is active (its "one active release" lock), or
    None. Call it in the transaction that moves `release` on: it locks the job's catalog
    row first, so of two workers (or a worker and an operator's retry) firing side by
    side on PostgreSQL the second sees the first one's TRIGGERING (SQLite runs one
    writer)."""
    locked = Application.objects.select_for_update().filter(full_name=release.job_full_name)
    list(locked.order_by("pk").values_list("pk", flat=True))
    return active_holder(release)


def active_holder(release: Release) -> Release | None:
    """The other active release of the job, as the database says now (unlocked: a
    decision on it is taken again under `holder_of_the_lock`)."""
    return (
        Release.objects.filter(job_full_name=release.job_full_name, state__in=ACTIVE)
        .exclude(pk=release.pk)
        .order_by("pk")
        .first()
    )


def _said_it_waits_for(release: Release, holder: Release) -> bool:
    """Whether the audit trail's last word is already that it waits for `holder` (it is
    said once per holder, not at every look)."""
    last = release.events.order_by("-pk").values_list("kind", "details").first()
    return last is not None and last[0] == "waiting" and last[1] == {"holder": holder.pk}


def retry_trigger(context: EngineContext, release_id: int, version: int) -> None:
    """A TRIGGERING release that came due again: an earlier attempt failed, or a worker
    died mid-trigger. Jenkins is asked first what that attempt created."""
    trigger(context, release_id, version, first_attempt=False)


def trigger(context: EngineContext, release_id: int, version: int, *, first_attempt: bool) -> None:
    release = Release.objects.get(pk=release_id)
    try:
        if not first_attempt and _adopt_earlier_attempt(context, release, version):
            return
        triggered = context.jenkins.trigger(release.job_full_name, _sent(context, release))
    except OutboundError as exc:
        failed(context, release_id, version, exc, "trigger")
        return
    _queued(context, release_id, version, triggered)


def _sent(context: EngineContext, release: Release) -> dict[str, str] | None:
    """The parameters for `buildWithParameters`, or None (`/build`) for a job that has no
    parameters at all."""
    application = context.catalog().applications_by_name.get(release.job_full_name)
    if application is not None and not application.parameters:
        return None
    return dict(release.approved_parameters)


def _queued(
    context: EngineContext,
    release_id: int,
    version: int,
    triggered: Triggered,
    reason: str | None = None,
) -> None:
    """QUEUED with the item `triggered` names; `reason` says how it was found, when not
    by this trigger's answer."""
    now = context.clock()
    with fenced(release_id, version) as release:
        release.queue_id, release.attempts, release.last_error = triggered.queue_id, 0, ""
        release.next_run_at = now
        reason = reason or (
            "merged by Jenkins into an identical queued request: the same build (303)"
            if triggered.merged
            else "queued by Jenkins"
        )
        transition(
            release,
            S.QUEUED,
            actor="worker",
            now=now,
            reason=reason,
            details={"queue_id": triggered.queue_id, "merged": triggered.merged},
        )


def _adopt_earlier_attempt(context: EngineContext, release: Release, version: int) -> bool:
    """Find what an earlier trigger attempt created: a queue item or build of the job with
    exactly the approved parameters, entered after the attempt (architecture §3)."""
    attempted = release.trigger_attempted_at or release.updated_at
    since_ms = int((attempted - CLOCK_SKEW).timestamp() * 1000)
    items, builds = context.jenkins.find_matching(
        release.job_full_name, release.approved_parameters, since_ms=since_ms
    )
    items, builds = _not_taken(release, items, builds)
    now = context.clock()
    if builds:
        build = min(builds, key=lambda b: b.number)
        with fenced(release.pk, version) as found:
            found.queue_id, found.build_number, found.build_url = (
                build.queue_id,
                build.number,
                build.url,
            )
            found.started_at, found.next_run_at, found.attempts = now, now, 0
            transition(
                found,
                S.RUNNING,
                actor="worker",
                now=now,
                reason=f"found build #{build.number} from the earlier trigger attempt",
                details={"queue_id": build.queue_id, "build": build.number},
            )
            notify(found, "started", now=now)
        return True
    if items:
        item = min(items, key=lambda i: i.id)
        how = f"found queue item {item.id} from the earlier trigger attempt"
        _queued(context, release.pk, version, Triggered(queue_id=item.id, merged=False), how)
        return True
    return False


def _not_taken(
    release: Release, items: list[QueueItem], builds: list[Build]
) -> tuple[list[QueueItem], list[Build]]:
    """The items and builds no other release has recorded as its own: another release
    with the same parameters may have run just before this one."""
    others = Release.objects.filter(job_full_name=release.job_full_name).exclude(pk=release.pk)
    queue_ids = [i.id for i in items] + [b.queue_id for b in builds if b.queue_id is not None]
    taken_items = set(others.filter(queue_id__in=queue_ids).values_list("queue_id", flat=True))
    taken_builds = set(
        others.filter(build_number__in=[b.number for b in builds]).values_list(
            "build_number", flat=True
        )
    )
    return (
        [i for i in items if i.id not in taken_items],
        [b for b in builds if b.number not in taken_builds and b.queue_id not in taken_items],
    )


def follow_queue(context: EngineContext, release_id: int, version: int) -> None:
    """QUEUED: where the queue item stands (expired items are found by their queueId)."""
    release = Release.objects.get(pk=release_id)
    try:
        item = context.jenkins.resolve_queue_item(release.job_full_name, release.queue_id or 0)
    except OutboundError as exc:
        failed(context, release_id, version, exc, "queue")
        return
    now = context.clock()
    with fenced(release_id, version) as release:
        release.attempts = 0
        if item.state in (QueueState.WAITING, QueueState.BLOCKED, QueueState.BUILDABLE):
            release.next_run_at = now + context.poll
        elif item.state is QueueState.STARTED:
            release.build_number, release.build_url = item.build_number, item.build_url or ""
            release.started_at, release.next_run_at = now, now
            transition(
                release,
                S.RUNNING,
                actor="worker",
                now=now,
                reason=f"build #{item.build_number} started",
                details={"build": item.build_number, "url": item.build_url},
            )
            notify(release, "started", now=now)
        elif item.state is QueueState.CANCELLED:
            release.finished_at = now
            _end(
                release,
                S.FAILED,
                "jenkins",
                "Jenkins 中的排队项被取消，构建没有运行",
                "finished",
                now,
            )
        else:
            _end(
                release,
                S.ERROR,
                "worker",
                f"Jenkins 已不记得排队项 {item.id}，也找不到带该 queueId 的构建",
                "error",
                now,
            )


def failed(
    context: EngineContext, release_id: int, version: int, error: OutboundError, step: str
) -> None:
    """A call failed: try again later with backoff, or end in ERROR when it is permanent
    or has failed too often. Both are in the audit trail and the log, once each: the
    ending is logged (at ERROR) as its transition, a retry here (at WARNING)."""
    now = context.clock()
    with fenced(release_id, version) as release:
        release.attempts += 1
        release.last_error = f"{step}: {error}"[:2000]
        if error.permanent or release.attempts >= context.options.max_attempts:
            why = "permanently" if error.permanent else f"{release.attempts} times"
            _end(release, S.ERROR, "worker", f"{step} failed {why}: {error.message}", "error", now)
            return
        release.next_run_at = now + context.backoff(release.attempts)
        record(
            release,
            "retry",
            actor="worker",
            now=now,
            reason=f"{step}: {error.message}",
            details={"attempt": release.attempts, "next": release.next_run_at.isoformat()},
        )
        attempt, next_at = release.attempts, release.next_run_at
    logger.warning(
        "release %s: %s failed (attempt %s), trying again at %s: %s",
        release_id,
        step,
        attempt,
        next_at.isoformat(),
        error,
        extra={"release_id": release_id, "service": error.service, "status": error.status},
    )


def _end(
    release: Release, state: ReleaseState, actor: str, reason: str, news: str, now: datetime
) -> None:
    """A terminal transition with its reason, and the people told."""
    release.reason, release.next_run_at = reason[:2000], None
    transition(release, state, actor=actor, reason=reason, now=now)
    notify(release, news, now=now)


STEPS: dict[str, Callable[[EngineContext, int, int], None]] = {
    S.RECEIVED: receive,
    S.SCHEDULED: fire,
    S.TRIGGERING: retry_trigger,
    S.QUEUED: follow_queue,
}
