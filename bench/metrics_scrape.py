"""Benchmark: what one Prometheus scrape of /metrics costs as the database grows.

The gauges (releases by state, outbox and inbox backlogs, worker lag) are read from the
database at every scrape, so their cost grows with the tables. This fills a database
with `--releases` releases spread over every state (a quarter of them not finished, the
rest finished), two notifications per release (5 % still pending) and one delivery per
release (1 % unprocessed), then times `GET /metrics` through the whole Django stack
(in-process test client, no socket) `--scrapes` times.

On a temporary SQLite database, or on `DATABASE_URL` (an empty PostgreSQL database: its
tables are created, filled, then vacuumed and analysed as autovacuum would). Prints one
JSON object; exits 1 when the p99 of a scrape is above the target (a scrape every 15 s
must stay a negligible load).

    python bench/metrics_scrape.py [--releases 100000] [--scrapes 50]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

TARGET_P99_MS = 250.0
BATCH = 5000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--releases", type=int, default=100_000)
    parser.add_argument("--scrapes", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="releasegate-bench-") as tmp:
        _setup_django(Path(tmp))
        from django.db import connection, transaction

        started = time.monotonic()
        with transaction.atomic():
            _fill(args.releases)
        fill_seconds = time.monotonic() - started
        if connection.vendor == "postgresql":
            # What autovacuum does to a table soon after a bulk load: planner statistics
            # and the visibility map, without which no plan is the one production gets.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        times = _scrape(args.scrapes)
        vendor = connection.vendor
    p99 = _percentile(times, 99)
    result = {
        "database": vendor,
        "releases": args.releases,
        "notifications": 2 * args.releases,
        "deliveries": args.releases,
        "fill_seconds": round(fill_seconds, 1),
        "scrapes": args.scrapes,
        "scrape_ms": {
            "p50": round(statistics.median(times), 1),
            "p99": round(p99, 1),
            "max": round(max(times), 1),
        },
        "target_p99_ms": TARGET_P99_MS,
        "target_met": p99 <= TARGET_P99_MS,
    }
    print(json.dumps(result, indent=2))
    return 0 if result["target_met"] else 1


def _setup_django(work: Path) -> None:
    os.environ.update(
        RELEASEGATE_DATA_DIR=str(work),
        SECRET_KEY="bench-only-secret-key-0123456789-0123456789",
        DJANGO_SETTINGS_MODULE="releasegate.settings",
        LOG_LEVEL="WARNING",
        METRICS_OPEN="1",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(count: int) -> None:
    from django.utils import timezone

    from releasegate.releases.models import (
        Approval,
        InboundEvent,
        Notification,
        Release,
        ReleaseState,
    )
    from releasegate.releases.models.release import TERMINAL_STATES

    now = timezone.now()
    unfinished = [s for s in ReleaseState if s not in TERMINAL_STATES]
    finished = sorted(TERMINAL_STATES)
    for first in range(0, count, BATCH):
        numbers = range(first, min(first + BATCH, count))
        approvals = Approval.objects.bulk_create(
            Approval(
                provider="dingtalk",
                instance_id=f"bench-{n}",
                status="approved",
                first_seen_at=now,
                refreshed_at=now,
            )
            for n in numbers
        )
        releases = Release.objects.bulk_create(
            Release(
                approval=approval,
                application_name="bench/app",
                received_via="event",
                received_at=now,
                updated_at=now,
                state=unfinished[n % len(unfinished)]
                if n % 4 == 0
                else finished[n % len(finished)],
                next_run_at=now - timedelta(seconds=n % 90) if n % 4 == 0 else None,
            )
            for n, approval in zip(numbers, approvals, strict=True)
        )
        Notification.objects.bulk_create(
            Notification(
                release=release,
                kind="finished",
                provider="dingtalk",
                channel="people",
                title="t",
                markdown="m",
                state="pending" if (2 * n + i) % 20 == 0 else "sent",
                created_at=now,
                next_attempt_at=now,
            )
            for n, release in zip(numbers, releases, strict=True)
            for i in range(2)
        )
        InboundEvent.objects.bulk_create(
            InboundEvent(
                via="event",
                event_type="bpms_instance_change",
                instance_id=f"bench-{n}",
                received_at=now,
                processed_at=None if n % 100 == 0 else now,
            )
            for n in numbers
        )


def _scrape(count: int) -> list[float]:
    from django.test import Client

    client = Client()
    times = []
    client.get("/metrics")  # warm: imports, the first connection
    for _ in range(count):
        started = time.perf_counter()
        response = client.get("/metrics")
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"/metrics answered {response.status_code}")
    return times


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))
    return ordered[index]


if __name__ == "__main__":
    sys.exit(main())
