"""What ReleaseGate tells Prometheus (docs/observability.md lists every metric).

Two kinds: counters and histograms kept by the process that did the work (calls to
Jenkins and DingTalk, counted by the HTTP seam; approval-to-trigger latency, observed by
the state machine), and gauges read from the database at scrape time (releases by state,
the outbox and inbox backlogs, the worker's lag), which every process answers alike.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import REGISTRY, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from releasegate.lib.redact import register_secret

logger = logging.getLogger("releasegate.metrics")
# A `_created` series beside every counter and histogram doubles the output and no
# query here needs it. (Untyped upstream, hence the ignore.)
disable_created_metrics()  # type: ignore[no-untyped-call]

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


class DatabaseGauges(Collector):
    """Gauges read from the database at each scrape; `releasegate_database_up` 0 (and no
    other gauge) when it cannot be read, rather than a failed scrape."""

    def __init__(self, clock: Callable[[], datetime] = timezone.now) -> None:
        self.clock = clock

    def describe(self) -> Iterable[Metric]:
        # Nothing up front: registering must not query a database that may not exist yet.
        return []

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("releasegate_database_up", "1 when the database answered.")
        try:
            gauges = self._read(self.clock())
        except DatabaseError as exc:
            logger.warning("metrics: the database cannot be read: %s", exc)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        return [up, *gauges]

    def _read(self, now: datetime) -> list[Metric]:
        from releasegate.releases.engine.fence import STEPPED, WATCHED
        from releasegate.releases.models import (
            InboundEvent,
            Notification,
            NotificationState,
            Release,
            ReleaseState,
        )

        by_state = dict(Release.objects.order_by().values_list("state").annotate(count=Count("pk")))
        releases = GaugeMetricFamily(
            "releasegate_releases", "Releases in each state.", labels=["state"]
        )
        for state in ReleaseState:
            releases.add_metric([state.value], by_state.get(state.value, 0))
        # One count per state, each a range of the (state, next_attempt_at) index: the
        # table keeps every notification ever sent, and a scrape must not scan it.
        pending = Notification.objects.filter(state=NotificationState.PENDING).count()
        failed = Notification.objects.filter(state=NotificationState.FAILED).count()
        oldest_due = Release.objects.filter(
            state__in=(*STEPPED, *WATCHED), next_run_at__lte=now
        ).aggregate(first=Min("next_run_at"))["first"]
        lag = (now - oldest_due).total_seconds() if oldest_due else 0.0
        return [
            releases,
            GaugeMetricFamily(
                "releasegate_outbox_backlog",
                "Notifications not delivered yet (still being tried).",
                value=pending,
            ),
            GaugeMetricFamily(
                "releasegate_outbox_failed",
                "Notifications given up on (refused, or failed too often); kept with why.",
                value=failed,
            ),
            GaugeMetricFamily(
                "releasegate_inbox_backlog",
                "Received approval events not processed yet.",
                value=InboundEvent.objects.filter(processed_at__isnull=True).count(),
            ),
            GaugeMetricFamily(
                "releasegate_worker_lag_seconds",
                "How long the longest-waiting due release has waited for a worker (0: none).",
                value=max(lag, 0.0),
            ),
        ]


# In the process-wide registry, which /metrics and the worker's metrics port both serve.
REGISTRY.register(DatabaseGauges())


def bearer_token_accepted(authorization: str, token: str) -> bool:
    """Whether an `Authorization` header value carries `token` (always, without one)."""
    if not token:
        return True
    register_secret(token)
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)
