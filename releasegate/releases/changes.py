"""What a release changes, for the people who approve it: its parameters next to those of
the application's last good (SUCCEEDED) release, the commits Jenkins recorded in the
job's builds since that release's build, whether it brings a database change, and when
it runs.

The commits come from Jenkins (one request, outside any database transaction): when
Jenkins cannot answer, the changes say "unavailable" and everything else still shows, so
a slow or broken Jenkins never holds up an approval, and it is not asked again about that
job for half a minute. A closed build range (a release whose own build is known) never
changes, so it is cached.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application
from releasegate.config import FormMapping, ReleaseOptions
from releasegate.connections import NotConfigured, jenkins_client
from releasegate.integrations.jenkins.change_sets import BuildChanges, Commit
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.lib.http import OutboundError
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.form import (
    RequestedRelease,
    UnreadableTime,
    parse_release_time,
    read_form,
)
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.parameters import MASKED, password_names, requested_parameters

logger = logging.getLogger("releasegate.changes")

# How many of the job's newest builds are read, and how many commits are shown: a card
# or a chat message has room for a screenful, and one request stays small.
BUILDS_READ = 20
COMMITS_SHOWN = 10
_CACHED_SECONDS = 3600
_JENKINS_SECONDS = 5.0
# After Jenkins failed to answer for a job's changes, it is not asked about that job again
# for this long: each page view or notice would otherwise wait out the timeouts again (a
# read is tried three times), and say "unavailable" all the same.
_UNANSWERED_SECONDS = 30

JenkinsOpener = Callable[[], JenkinsClient]


class CommitsStatus(StrEnum):
    LISTED = "listed"
    # No release of the application has succeeded yet: there is nothing to compare with.
    FIRST_RELEASE = "first_release"
    # Jenkins did not answer (or is not configured); the rest of the changes still show.
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class ParameterChange:
    name: str
    now: str
    # None when the last good release did not set it (or there is none).
    before: str | None
    changed: bool


@dataclass(frozen=True)
class LastGood:
    release_id: int
    build_number: int | None
    finished_at: datetime | None


@dataclass(frozen=True)
class ReleaseChanges:
    application: str
    parameters: tuple[ParameterChange, ...]
    last_good: LastGood | None
    commits_status: CommitsStatus
    # Newest first, at most COMMITS_SHOWN.
    commits: tuple[Commit, ...] = ()
    # Commits found beyond those shown.
    more_commits: int = 0
    # False when the last good build is older than the builds read: there may be more.
    all_builds_read: bool = True
    has_db_change: bool = False
    db_change_done: bool = False
    # None: as soon as it is approved.
    release_time: datetime | None = None


@dataclass(frozen=True)
class Proposed:
    """The release people are asked about."""

    application: str
    job: str
    parameters: Mapping[str, object]
    passwords: Collection[str]
    has_db_change: bool
    db_change_done: bool
    release_time: datetime | None
    # A release already made: compare with good releases before it, up to its build.
    release_id: int | None = None
    build_number: int | None = None
    # The job's parameters in the order it declares them (a stored release's parameters
    # come back in the database's order: PostgreSQL's jsonb sorts them).
    declared: tuple[str, ...] = ()


def of_release(release: Release) -> Proposed:
    """A release already received, as its approvers were asked about it."""
    application = release.application
    return Proposed(
        application=release.application_name,
        job=release.job_full_name or release.application_name,
        parameters=release.approved_parameters or release.requested_parameters,
        passwords=password_names(application.parameters) if application else frozenset(),
        has_db_change=release.has_db_change,
        db_change_done=release.db_change_done,
        release_time=release.scheduled_for or release.requested_time,
        release_id=release.pk,
        build_number=release.build_number,
        declared=_declared(release),
    )


def _declared(release: Release) -> tuple[str, ...]:
    """The release's job's parameter names, in the job's order (from its catalog row, else
    from the catalog as it stands)."""
    if release.application is not None:
        return tuple(p["name"] for p in release.application.parameters)
    offered = find_application(snapshot.current(), release.application_name, release.project_key)
    return tuple(p.name for p in offered.parameters) if offered else ()


def of_request(request: ReleaseRequest, mapping: FormMapping, options: ReleaseOptions) -> Proposed:
    """A request not approved yet, read as the engine will read it once approved."""
    yes = {answer.lower() for answer in mapping.yes_values}
    no = {answer.lower() for answer in mapping.no_values}
    requested = RequestedRelease(
        project=request.project,
        application=request.application,
        release_type=request.release_type,
        release_time_text=request.release_time,
        has_db_change=request.db_change.strip().lower() not in no,
        db_change_done=request.db_change_done.strip().lower() in yes,
        parameters=dict(request.parameters),
    )
    return _proposed(requested, mapping, options)


def of_form(values: Mapping[str, str], mapping: FormMapping, options: ReleaseOptions) -> Proposed:
    """An approval form as people filled it (label -> value), on any platform: what an
    approver's card or message about a pending approval describes."""
    return _proposed(read_form(values, mapping), mapping, options)


def _proposed(
    requested: RequestedRelease, mapping: FormMapping, options: ReleaseOptions
) -> Proposed:
    """Its parameters under the names the job declares, as ingest will send them."""
    offered = find_application(snapshot.current(), requested.application, requested.project)
    name = offered.full_name if offered else requested.application
    return Proposed(
        application=name,
        job=name,
        parameters=requested_parameters(requested, offered, mapping)
        if offered
        else requested.parameters,
        passwords=password_names(offered.parameters) if offered else frozenset(),
        has_db_change=requested.has_db_change,
        db_change_done=requested.db_change_done,
        release_time=_release_time(requested.release_time_text, options),
        declared=tuple(p.name for p in offered.parameters) if offered else (),
    )


def _release_time(text: str, options: ReleaseOptions) -> datetime | None:
    try:
        return parse_release_time(text, options)
    except UnreadableTime:
        return None  # the submit check refuses it; there is no time to show


def configured_jenkins() -> JenkinsClient:
    """The configured Jenkins' client (raises `NotConfigured` without one), waiting no
    longer than a person waits for a page or a notice."""
    return jenkins_client(settings.CONFIG, timeout_seconds=_JENKINS_SECONDS)


def changes_of(proposed: Proposed, jenkins: JenkinsOpener) -> ReleaseChanges:
    """The changes `proposed` brings. Calls Jenkins: never inside a transaction."""
    last = _last_good(proposed.application, before=proposed.release_id)
    good = LastGood(last.pk, last.build_number, last.finished_at) if last else None
    status, commits, complete = CommitsStatus.FIRST_RELEASE, list[Commit](), True
    if last is not None:
        status, commits, complete = _commits(proposed, last, jenkins)
    return ReleaseChanges(
        application=proposed.application,
        parameters=_compared(proposed, last),
        last_good=good,
        commits_status=status,
        commits=tuple(commits[:COMMITS_SHOWN]),
        more_commits=max(0, len(commits) - COMMITS_SHOWN),
        all_builds_read=complete,
        has_db_change=proposed.has_db_change,
        db_change_done=proposed.db_change_done,
        release_time=proposed.release_time,
    )


def _last_good(application: str, *, before: int | None) -> Release | None:
    """The application's SUCCEEDED release that finished last (of those made before
    `before`, when given: an older release is compared with what ran before it)."""
    succeeded = Release.objects.filter(application_name=application, state=ReleaseState.SUCCEEDED)
    if before is not None:
        succeeded = succeeded.filter(pk__lt=before)
    return succeeded.order_by("-finished_at", "-id").first()


def _compared(proposed: Proposed, last: Release | None) -> tuple[ParameterChange, ...]:
    """Each parameter now and in the last good release, in the request's order then the
    ones only the last good release set. A password is masked on both sides and never
    marked changed: whether a secret changed is not for people to see either."""
    before: Mapping[str, object] = last.approved_parameters if last is not None else {}
    names = list(dict.fromkeys([*proposed.parameters, *before]))
    # In the job's order; a parameter it no longer declares after those, as it came.
    order = {name: index for index, name in enumerate(proposed.declared)}
    names.sort(key=lambda name: order.get(name, len(order)))
    rows = []
    for name in names:
        now, then = _text(proposed.parameters.get(name)), before.get(name)
        if name in proposed.passwords:
            rows.append(ParameterChange(name, MASKED, MASKED if last else None, False))
            continue
        shown_then = _text(then) if name in before else None
        changed = last is not None and now != (shown_then or "")
        rows.append(ParameterChange(name, now, shown_then, changed))
    return tuple(rows)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _commits(
    proposed: Proposed, last: Release, jenkins: JenkinsOpener
) -> tuple[CommitsStatus, list[Commit], bool]:
    after = last.build_number
    if after is None:
        return CommitsStatus.UNAVAILABLE, [], True
    # Hashed: a job's name may hold spaces or run long, which some cache backends refuse.
    job = hashlib.sha256(proposed.job.encode()).hexdigest()[:32]
    key = f"releasegate:changes:{job}:{after}:{proposed.build_number}"
    if proposed.build_number is not None and (hit := cache.get(key)) is not None:
        commits, complete = hit
        return CommitsStatus.LISTED, commits, complete
    unanswered = f"releasegate:changes:unanswered:{job}"
    if cache.get(unanswered):
        return CommitsStatus.UNAVAILABLE, [], True
    try:
        builds = _read_builds(proposed.job, jenkins)
    except (OutboundError, NotConfigured) as failure:
        logger.warning("changes of %s unavailable: %s", proposed.job, failure)
        if isinstance(failure, OutboundError):
            cache.set(unanswered, True, _UNANSWERED_SECONDS)
        return CommitsStatus.UNAVAILABLE, [], True
    commits, complete = since(builds, after=after, upto=proposed.build_number)
    if proposed.build_number is not None:
        cache.set(key, (commits, complete), _CACHED_SECONDS)
    return CommitsStatus.LISTED, commits, complete


def _read_builds(job: str, jenkins: JenkinsOpener) -> list[BuildChanges]:
    with jenkins() as client:
        return client.recorded_changes(job, builds=BUILDS_READ)


def since(builds: list[BuildChanges], *, after: int, upto: int | None) -> tuple[list[Commit], bool]:
    """The commits of the builds numbered after `after` (up to `upto`), newest first,
    each once; and whether every such build was among `builds` (newest first)."""
    seen: dict[str, Commit] = {}
    for build in builds:
        if build.number <= after or (upto is not None and build.number > upto):
            continue
        for commit in reversed(build.commits):
            seen.setdefault(commit.commit_id or f"{build.number}:{len(seen)}", commit)
    oldest = min((build.number for build in builds), default=after + 1)
    return list(seen.values()), oldest <= after + 1
