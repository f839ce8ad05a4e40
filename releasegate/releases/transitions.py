"""The release state machine, in one place (docs/architecture.md §2).

Every change of state goes through `transition`, which refuses moves the machine does not
have and writes the audit row in the same transaction as the change.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from releasegate.lib.log_context import working_on
from releasegate.releases.metrics import observe_trigger
from releasegate.releases.models import Release, ReleaseEvent, ReleaseState

logger = logging.getLogger("releasegate.releases")

S = ReleaseState
# How loud each arrival is in the log an operator follows.
_LEVELS: dict[str, int] = {
    S.ERROR: logging.ERROR,
    S.FAILED: logging.WARNING,
    S.UNSTABLE: logging.WARNING,
    S.ABORTED: logging.WARNING,
    S.REJECTED: logging.WARNING,
    S.CANCELLED: logging.WARNING,
}
ALLOWED: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.REJECTED, S.SCHEDULED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.REJECTED, S.CANCELLED, S.TRIGGERING}),
    S.TRIGGERING: frozenset({S.QUEUED, S.RUNNING, S.ERROR}),
    # CANCELLED from QUEUED: an operator cancelled the queue item before it started.
    S.QUEUED: frozenset({S.RUNNING, S.FAILED, S.ABORTED, S.ERROR, S.CANCELLED}),
    S.RUNNING: frozenset({S.WAITING_INPUT, S.SUCCEEDED, S.FAILED, S.UNSTABLE, S.ABORTED, S.ERROR}),
    S.WAITING_INPUT: frozenset({S.RUNNING, S.SUCCEEDED, S.FAILED, S.UNSTABLE, S.ABORTED, S.ERROR}),
    # Only by an operator's retry (releases/operators.py): back to watching the build it
    # has, or to TRIGGERING, whose recovery adopts what an earlier attempt created.
    S.ERROR: frozenset({S.TRIGGERING, S.RUNNING}),
}


class IllegalTransition(Exception):
    """The state machine has no such move; the release is left as it was."""


class StaleRelease(IllegalTransition):
    """The release changed since this copy of it was read; nothing was written."""


def transition(
    release: Release,
    to_state: ReleaseState,
    *,
    actor: str,
    reason: str = "",
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> ReleaseEvent:
    """Move `release` to `to_state` and record it; returns the audit row."""
    if to_state not in ALLOWED.get(release.state, frozenset()):
        raise IllegalTransition(
            f"release {release.pk}: {release.state} → {to_state} is not allowed"
        )
    moment = now or timezone.now()
    with transaction.atomic():
        from_state = release.state
        # Conditional on the state and version this copy was read with: a change made
        # meanwhile by someone else (a worker, ingest, an operator) is never overwritten.
        moved = Release.objects.filter(
            pk=release.pk, state=from_state, version=release.version
        ).update(state=to_state, updated_at=moment, version=release.version + 1)
        if moved != 1:
            raise StaleRelease(f"release {release.pk} changed since it was read")
        release.state, release.updated_at = to_state, moment
        release.version += 1
        if from_state == S.TRIGGERING and to_state in (S.QUEUED, S.RUNNING):
            _count_trigger(release, moment)
        _log_once_committed(release.pk, from_state, to_state, reason)
        return record(
            release,
            "state",
            actor=actor,
            reason=reason,
            details=details,
            now=moment,
            from_state=from_state,
            to_state=to_state,
        )


def _log_once_committed(release_id: int, from_state: str, to_state: str, reason: str) -> None:
    """Every move in the log (INFO; WARNING for an ending without success, ERROR for
    ERROR), with the release's id, once it is committed: a rolled-back move did not
    happen."""

    def log() -> None:
        with working_on(release_id):
            logger.log(
                _LEVELS.get(to_state, logging.INFO),
                "release %s: %s → %s%s",
                release_id,
                from_state,
                to_state,
                f": {reason}" if reason else "",
            )

    transaction.on_commit(log)


def _count_trigger(release: Release, now: datetime) -> None:
    """Jenkins accepted the release's build: its approval-to-trigger latency is counted
    once the move is committed (a rolled-back move did not happen)."""
    approved_at = release.approval.finished_at_provider or release.received_at
    scheduled_for = release.scheduled_for
    transaction.on_commit(lambda: observe_trigger(approved_at, scheduled_for, now))


def record(
    release: Release,
    kind: str,
    *,
    actor: str,
    reason: str = "",
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
    from_state: str = "",
    to_state: str = "",
) -> ReleaseEvent:
    """Write one audit row for `release` (the caller's transaction covers the change)."""
    return ReleaseEvent.objects.create(
        release=release,
        at=now or timezone.now(),
        actor=actor[:128],
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        details=details or {},
    )
