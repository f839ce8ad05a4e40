"""Reconcile: an approval whose every event was lost is still released, late but once.

Level-triggered, like the rest of ingest: it does not decide anything itself. It stores
a "reconcile" delivery for every approval worth another look, and the inbox processes it
like any other (asking DingTalk, creating at most one release):
- approvals we saw that had not finished (their finishing event may have been lost);
- the release form's completed instances started within the lookback that we have not
  seen finished;
- approvals whose release has not started (a revocation after approval whose event was
  lost must still stop it).
Each run costs DingTalk one listing call per 20 completed instances in the lookback,
plus one instance read per approval it hands to the inbox (releases scheduled far ahead
are read again every run): mind the API quota.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from releasegate.releases.inbox import record_delivery
from releasegate.releases.models import Approval
from releasegate.releases.models.release import NOT_STARTED_STATES

UNFINISHED = ("NEW", "RUNNING")


class InstanceLister(Protocol):
    def list_instance_ids(
        self,
        process_code: str,
        start_ms: int,
        end_ms: int | None = None,
        statuses: Iterable[str] | None = None,
    ) -> list[str]: ...


def reconcile(source: InstanceLister, process_code: str, now: datetime, lookback: timedelta) -> str:
    """Hand every approval worth another look to the inbox; returns what it did."""
    unfinished = set(
        Approval.objects.filter(provider="dingtalk", status__in=UNFINISHED).values_list(
            "instance_id", flat=True
        )
    )
    listed = set(
        source.list_instance_ids(
            process_code,
            int((now - lookback).timestamp() * 1000),
            int(now.timestamp() * 1000),
            statuses=["COMPLETED"],
        )
    )
    finished = set(
        Approval.objects.filter(provider="dingtalk", instance_id__in=listed)
        .exclude(status__in=UNFINISHED)
        .values_list("instance_id", flat=True)
    )
    not_started = set(
        Approval.objects.filter(
            provider="dingtalk", release__state__in=NOT_STARTED_STATES
        ).values_list("instance_id", flat=True)
    )
    worth_a_look = sorted(unfinished | (listed - finished) | not_started)
    for instance_id in worth_a_look:
        record_delivery(
            via="reconcile",
            event_type="reconcile",
            instance_id=instance_id,
            payload={"reason": _why(instance_id, unfinished, not_started)},
            now=now,
        )
    return (
        f"{len(listed)} completed instance(s) in the last {lookback}, "
        f"{len(worth_a_look)} handed to the inbox"
    )


def _why(instance_id: str, unfinished: set[str], not_started: set[str]) -> str:
    if instance_id in unfinished:
        return "unfinished"
    return "not started" if instance_id in not_started else "unseen"
