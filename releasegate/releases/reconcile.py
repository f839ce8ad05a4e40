"""Reconcile: an approval whose every event was lost is still released, late but once.

Level-triggered, like the rest of ingest: it does not decide anything itself. For one
platform it stores a "reconcile" delivery for every approval worth another look, and the
inbox processes it like any other (asking the platform, creating at most one release):
- approvals we saw that had not finished (their finishing event may have been lost);
- the release form's approvals that finished within the lookback and that we have not
  seen finished;
- approvals whose release has not started (a revocation after approval whose event was
  lost must still stop it).
Each run costs the platform its listing calls for the lookback (DingTalk: one per 20
instances) plus one read per approval handed to the inbox (releases scheduled far ahead
are read again every run): mind the platform's API quota.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from releasegate.releases.approvals.ports import ApprovalSource
from releasegate.releases.inbox import record_delivery
from releasegate.releases.models import Approval, ApprovalStatus
from releasegate.releases.models.release import NOT_STARTED_STATES


def reconcile(source: ApprovalSource, now: datetime, lookback: timedelta) -> str:
    """Hand every approval of `source`'s platform worth another look to the inbox;
    returns what it did."""
    provider = source.provider
    known = Approval.objects.filter(provider=provider)
    unfinished = set(
        known.filter(status=ApprovalStatus.PENDING).values_list("instance_id", flat=True)
    )
    listed = set(source.changed_since(now - lookback, now))
    finished = set(
        known.filter(instance_id__in=listed)
        .exclude(status=ApprovalStatus.PENDING)
        .values_list("instance_id", flat=True)
    )
    not_started = set(
        known.filter(release__state__in=NOT_STARTED_STATES).values_list("instance_id", flat=True)
    )
    worth_a_look = sorted(unfinished | (listed - finished) | not_started)
    for instance_id in worth_a_look:
        record_delivery(
            via="reconcile",
            event_type="reconcile",
            provider=provider,
            instance_id=instance_id,
            payload={"reason": _why(instance_id, unfinished, not_started)},
            now=now,
        )
    return (
        f"{len(listed)} finished approval(s) in the last {lookback}, "
        f"{len(worth_a_look)} handed to the inbox"
    )


def _why(instance_id: str, unfinished: set[str], not_started: set[str]) -> str:
    if instance_id in unfinished:
        return "unfinished"
    return "not started" if instance_id in not_started else "unseen"
