"""What the state machine tells Prometheus as it happens (docs/observability.md); the
gauges read from the database at scrape time are `releasegate.observability.metrics`."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import Histogram

APPROVAL_TO_TRIGGER = Histogram(
    "releasegate_approval_to_trigger_seconds",
    "From the approval (or, for a release scheduled later, its time) until Jenkins "
    "accepted the build request.",
    buckets=(1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)


def observe_trigger(approved_at: datetime, scheduled_for: datetime | None, now: datetime) -> None:
    """Count one release Jenkins accepted. A release asked for later is measured from its
    time, so the histogram shows ReleaseGate's own delay, not the wait people asked for."""
    start = max(approved_at, scheduled_for) if scheduled_for else approved_at
    APPROVAL_TO_TRIGGER.observe(max((now - start).total_seconds(), 0.0))
