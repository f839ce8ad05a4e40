"""What ReleaseGate tells Prometheus (docs/observability.md lists every metric).

Two kinds: counters and histograms kept by the process that did the work (calls to
Jenkins and the approval platforms, counted by the HTTP seam; approval-to-trigger latency,
observed by the state machine in `releasegate.releases.metrics`), and gauges read from the
database at scrape time (releases by state,
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
from prometheus_client import REGISTRY, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from releasegate.config.observability import ObservabilitySettings
from releasegate.lib.redact import register_secret

logger = logging.getLogger("releasegate.metrics")
# A `_created` series beside every counter and histogram doubles the output and no
# query here needs it. (Untyped upstream, hence the ignore.)
disable_created_metrics()  # type: ignore[no-untyped-call]


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

        # COUNT(*), not COUNT(id): PostgreSQL can then answer from the (state, next_run_at)
        # index alone, without reading the table.
        by_state = dict(Release.objects.order_by().values_list("state").annotate(count=Count("*")))
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


def scrape_refusal(authorization: str, settings: ObservabilitySettings) -> tuple[int, str] | None:
    """None when a scrape sending the `Authorization` header value `authorization` may read
    the metrics; otherwise the status to answer (401: the token is missing or wrong; 403:
    the metrics are closed) and why."""
    token = settings.metrics_token
    if token:
        register_secret(token)
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
            return None
        return 401, "a bearer token is required\n"
    if settings.metrics_open:
        return None
    return 403, "the metrics are closed: set METRICS_TOKEN (or METRICS_OPEN=1)\n"
