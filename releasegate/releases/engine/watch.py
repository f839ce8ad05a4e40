"""Watching running builds: one request per job, however many of its releases run.

Due RUNNING and WAITING_INPUT releases are claimed together and grouped by job; each job's
newest builds are read once (`builds[...]` with their results and `waitingForInput`), and
each release learns its build's state from that one answer. Extra requests happen only
where something needs them: a build waiting at an `input` step (its pending inputs), a
failed build (its console tail), a build older than the listing.
"""

from __future__ import annotations

import fnmatch
import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.db.models import F

from releasegate.config import InputRule
from releasegate.integrations.jenkins.errors import InputNotWaiting
from releasegate.integrations.jenkins.models import Build, BuildResult, PendingInput
from releasegate.lib.http import OutboundError
from releasegate.lib.log_context import bind_release, scoped
from releasegate.releases.engine.context import EngineContext
from releasegate.releases.engine.fence import WATCHED, LostClaim, claim_due, fenced
from releasegate.releases.engine.steps import failed
from releasegate.releases.messages import notify
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.transitions import record, transition

logger = logging.getLogger("releasegate.engine.watch")
S = ReleaseState
ENDINGS = {
    BuildResult.SUCCESS: S.SUCCEEDED,
    BuildResult.UNSTABLE: S.UNSTABLE,
    BuildResult.FAILURE: S.FAILED,
    BuildResult.ABORTED: S.ABORTED,
    BuildResult.NOT_BUILT: S.FAILED,
}
DEFAULT_INPUT_RULE = InputRule(job="*")
CONSOLE_LINES = 40


@scoped
def watch_due(context: EngineContext, limit: int = 1000) -> int:
    """Look at every due running release; returns how many were looked at."""
    now = context.clock()
    claimed = dict(claim_due(WATCHED, now, limit, context.lease, whole_jobs=True))
    by_job: dict[str, list[Release]] = defaultdict(list)
    for release in Release.objects.filter(pk__in=list(claimed)):
        by_job[release.job_full_name].append(release)
    for job, releases in by_job.items():
        _watch_job(context, job, releases, claimed, now + context.lease)
    return len(claimed)


def _watch_job(
    context: EngineContext,
    job: str,
    releases: list[Release],
    versions: dict[int, int],
    lease_until: datetime,
) -> None:
    listing_failed: OutboundError | None = None
    newest: dict[int, Build] = {}
    try:
        listed = context.jenkins.builds(job, limit=max(50, 2 * len(releases)))
        newest = {build.number: build for build in listed}
    except OutboundError as exc:
        listing_failed = exc
    unchanged: list[int] = []
    for release in releases:
        bind_release(release.pk)
        version = versions[release.pk]
        try:
            if listing_failed is not None:
                raise listing_failed
            number = release.build_number or 0
            build = newest.get(number) or context.jenkins.build(job, number)
            if _still_running_unattended(release, build):
                unchanged.append(release.pk)
                continue
            follow_build(context, release, version, build)
        except OutboundError as exc:
            _failed_quietly(context, release.pk, version, exc)
        except LostClaim as lost:
            logger.info("%s", lost)
    _look_again_later(context, unchanged, lease_until)


def _still_running_unattended(release: Release, build: Build) -> bool:
    """The common case: a running build, not at an input step, of a RUNNING release."""
    return (
        release.state == S.RUNNING
        and build.building
        and not build.waiting_for_input
        and release.attempts == 0
    )


def _look_again_later(
    context: EngineContext, release_ids: list[int], lease_until: datetime
) -> None:
    """Nothing changed for these: one statement moves them all to the next poll. Still
    fenced: only rows still holding this pass's lease (and still RUNNING) move."""
    if release_ids:
        Release.objects.filter(pk__in=release_ids, next_run_at=lease_until, state=S.RUNNING).update(
            next_run_at=context.clock() + context.poll, version=F("version") + 1
        )


def _failed_quietly(
    context: EngineContext, release_id: int, version: int, exc: OutboundError
) -> None:
    try:
        failed(context, release_id, version, exc, "watch")
    except LostClaim as lost:
        logger.info("%s", lost)


def follow_build(context: EngineContext, release: Release, version: int, build: Build) -> None:
    """Bring the release in line with its build."""
    now = context.clock()
    if not build.building and build.result is not None:
        _finish(context, release, version, build, now)
        return
    if build.waiting_for_input:
        _input(context, release, version, now)
        return
    with fenced(release.pk, version) as current:
        current.next_run_at, current.attempts = now + context.poll, 0
        if current.state == S.WAITING_INPUT:
            current.input_waiting_since = None
            transition(
                current,
                S.RUNNING,
                actor="jenkins",
                now=now,
                reason=f"input {current.input_id} was answered in Jenkins",
            )


def _finish(
    context: EngineContext, release: Release, version: int, build: Build, now: datetime
) -> None:
    ending = ENDINGS[build.result] if build.result else S.FAILED
    tail = ""
    if ending != S.SUCCEEDED:
        tail = context.jenkins.console_tail(
            release.job_full_name, build.number, max_lines=CONSOLE_LINES
        )
    with fenced(release.pk, version) as current:
        current.result, current.duration_ms = (
            build.result.value if build.result else "",
            build.duration_ms,
        )
        current.first_commit_at = _first_commit_at(build)
        current.finished_at, current.console_tail, current.next_run_at = now, tail, None
        current.input_waiting_since = None
        transition(
            current,
            ending,
            actor="jenkins",
            now=now,
            reason=f"build #{build.number} ended {current.result}",
            details={"build": build.number, "duration_ms": build.duration_ms},
        )
        notify(current, "finished", now=now)


def _first_commit_at(build: Build) -> datetime | None:
    """When the oldest change the build brings was committed (its change sets): where the
    insights' lead time for changes starts; None when the build recorded no commit time."""
    times = build.commit_times_ms
    return datetime.fromtimestamp(min(times) / 1000, UTC) if times else None


def input_rule(rules: list[InputRule], job: str, input_id: str) -> InputRule:
    """The first rule for this job and input id; without one, wait (60 minutes)."""
    for rule in rules:
        if fnmatch.fnmatchcase(job, rule.job) and rule.input_id in ("*", input_id):
            return rule
    return DEFAULT_INPUT_RULE


def _input(context: EngineContext, release: Release, version: int, now: datetime) -> None:
    """The build waits at an `input` step: answer it when configured to, otherwise tell
    the approvers and wait, aborting after the rule's timeout."""
    job, number = release.job_full_name, release.build_number or 0
    pending = context.jenkins.pending_inputs(job, number)
    if not pending:
        _look_again(context, release, version, now)
        return
    waiting = pending[0]
    rule = input_rule(context.options.inputs, job, waiting.id)
    if rule.action == "proceed":
        _proceed(context, release, version, waiting, now)
        return
    _wait_for_someone(context, release, version, waiting.id, rule, now)


def _proceed(
    context: EngineContext, release: Release, version: int, waiting: PendingInput, now: datetime
) -> None:
    """Answer the input with the approved values of its parameters (Jenkins' client
    sends the declared defaults for the rest)."""
    values = {
        p.name: release.approved_parameters[p.name]
        for p in waiting.parameters
        if p.name in release.approved_parameters
    }
    job, number = release.job_full_name, release.build_number or 0
    try:
        sent = context.jenkins.proceed_input(job, number, waiting, values)
    except InputNotWaiting:
        _look_again(context, release, version, now)
        return
    with fenced(release.pk, version) as current:
        current.next_run_at = now + context.poll
        record(
            current,
            "input-answered",
            actor="worker",
            now=now,
            reason=f"answered {waiting.id} ({waiting.message}) as configured",
            details={"input_id": waiting.id, "values": sent},
        )


def _look_again(context: EngineContext, release: Release, version: int, now: datetime) -> None:
    """Nothing to answer (any more): someone answered the input in Jenkins a moment
    before this worker could, or it is not reached yet. The next look shows which."""
    with fenced(release.pk, version) as current:
        current.next_run_at = now + context.poll


def _wait_for_someone(
    context: EngineContext,
    release: Release,
    version: int,
    input_id: str,
    rule: InputRule,
    now: datetime,
) -> None:
    since = release.input_waiting_since
    if since is not None and now - since > timedelta(minutes=rule.timeout_minutes):
        try:
            context.jenkins.abort_input(release.job_full_name, release.build_number or 0, input_id)
        except InputNotWaiting:
            _look_again(context, release, version, now)
            return
        with fenced(release.pk, version) as current:
            current.next_run_at = now + context.poll
            record(
                current,
                "input-aborted",
                actor="worker",
                now=now,
                reason=f"nobody answered {input_id} within {rule.timeout_minutes} minutes",
            )
        return
    with fenced(release.pk, version) as current:
        current.next_run_at = now + context.poll
        if current.state == S.RUNNING:
            current.input_id, current.input_waiting_since = input_id, now
            transition(
                current,
                S.WAITING_INPUT,
                actor="jenkins",
                now=now,
                reason=f"the build waits at input {input_id}",
            )
            notify(current, "waiting_input", now=now)
