"""Claims and fences: how a worker owns a release while it works on it.

A worker claims due releases by pushing their `next_run_at` a lease into the future (in
one short transaction, `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL so two workers
never claim the same row); no other worker sees them as due meanwhile. Every later write
happens in `fenced`, which reloads the row under a lock and refuses to go on when its
version moved: someone else (an approval withdrawn, an operator, a worker whose lease the
first outlived) changed it, and this worker's view is stale.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F

from releasegate.integrations.jenkins.session import READ_ATTEMPTS
from releasegate.lib.http import Timeouts
from releasegate.releases.models import Release, ReleaseState

# Longer than any one step can take with Jenkins' default timeouts (lease_for).
LEASE = timedelta(minutes=2)
# The most Jenkins calls one step makes: a trigger retried after a crash reads the job's
# builds and the queue, then posts (with a crumb first when a password is used).
CALLS_PER_STEP = 4
# States whose next step the worker runs one release at a time; RUNNING and
# WAITING_INPUT are watched per job instead (watch.py).
STEPPED = (
    ReleaseState.RECEIVED,
    ReleaseState.SCHEDULED,
    ReleaseState.TRIGGERING,
    ReleaseState.QUEUED,
)
WATCHED = (ReleaseState.RUNNING, ReleaseState.WAITING_INPUT)


def lease_for(timeouts: Timeouts) -> timedelta:
    """A claim that outlasts the slowest step with these Jenkins timeouts: each call may
    take its connect and read timeouts READ_ATTEMPTS times (a failed read is asked again,
    jenkins/session.py), plus a margin. A worker killed mid-step holds its releases this
    long, so a claim no longer than that lets another worker take them over soon after;
    one shorter than a step could let two workers trigger the same release."""
    per_call = READ_ATTEMPTS * (timeouts.connect + timeouts.read)
    return timedelta(seconds=CALLS_PER_STEP * per_call + 10)


class LostClaim(Exception):
    """The release changed under this worker; it must drop what it was doing."""


def claim_due(
    states: tuple[str, ...],
    now: datetime,
    limit: int,
    lease: timedelta = LEASE,
    *,
    whole_jobs: bool = False,
) -> list[tuple[int, int]]:
    """Claim up to `limit` due releases in `states`: (id, version) of each. With
    `whole_jobs`, every release in `states` of a job that has a due one is claimed with
    it, so one look at the job serves them all (and they stay in step)."""
    due = Release.objects.filter(state__in=states, next_run_at__lte=now)
    # Most passes find nothing due: a plain read says so without the write transaction
    # (on SQLite the lock is the whole database's, and `serve`'s request threads wait on it).
    if not due.exists():
        return []
    with transaction.atomic():
        if whole_jobs:
            jobs = due.values_list("job_full_name", flat=True).distinct()
            due = Release.objects.filter(state__in=states, job_full_name__in=list(jobs))
        due = due.order_by("next_run_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        # One statement for the whole claim, however many releases.
        Release.objects.filter(pk__in=ids).update(next_run_at=now + lease, version=F("version") + 1)
        return list(Release.objects.filter(pk__in=ids).values_list("pk", "version"))


@contextmanager
def fenced(release_id: int, version: int) -> Iterator[Release]:
    """The release, locked, in a transaction; saved (with a new version) on the way out.
    Raises `LostClaim` when its version is no longer `version`."""
    with transaction.atomic():
        release = Release.objects.select_for_update().get(pk=release_id)
        if release.version != version:
            raise LostClaim(f"release {release_id} changed under the worker")
        yield release
        release.version += 1
        release.save()
