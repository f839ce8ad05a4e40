from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from prometheus_client import CollectorRegistry

from releasegate.observability.metrics import DatabaseGauges
from releasegate.releases.inbox import record_delivery
from releasegate.releases.models import Notification, NotificationState, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


def scrape(gauges: DatabaseGauges) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(gauges)
    return registry


def value(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


def test_releases_are_counted_by_state(harness: Harness) -> None:
    running = harness.approve("inst-1")
    harness.until(lambda: harness.state(running) == ReleaseState.WAITING_INPUT)
    harness.approve("inst-2")
    harness.approve("inst-3")

    registry = scrape(DatabaseGauges(clock=harness.clock))

    assert value(registry, "releasegate_releases", state="WAITING_INPUT") == 1
    assert value(registry, "releasegate_releases", state="RECEIVED") == 2
    assert value(registry, "releasegate_releases", state="SUCCEEDED") == 0
    assert value(registry, "releasegate_database_up") == 1


def test_worker_lag_is_how_long_the_oldest_due_release_has_waited(harness: Harness) -> None:
    harness.approve("inst-1")  # due at once
    harness.clock.now += timedelta(seconds=20)
    harness.approve("inst-2")
    harness.clock.now += timedelta(seconds=30)

    registry = scrape(DatabaseGauges(clock=harness.clock))

    assert value(registry, "releasegate_worker_lag_seconds") == 50


def test_worker_lag_is_zero_when_nothing_is_due(harness: Harness) -> None:
    release = harness.approve("inst-1")
    harness.until(lambda: harness.state(release) == ReleaseState.WAITING_INPUT)
    harness.run(passes=1)  # the watch looks again after the poll interval, not before

    registry = scrape(DatabaseGauges(clock=harness.clock))

    assert value(registry, "releasegate_worker_lag_seconds") == 0


def test_the_outbox_and_inbox_backlogs_are_counted() -> None:
    now = timezone.now()
    for state in (NotificationState.PENDING, NotificationState.PENDING, NotificationState.FAILED):
        Notification.objects.create(
            kind="finished",
            channel="work_notification",
            title="t",
            markdown="m",
            state=state,
            created_at=now,
            next_attempt_at=now,
        )
    record_delivery(
        via="event",
        event_type="bpms_instance_change",
        provider="dingtalk",
        instance_id="inst-9",
        payload={},
        now=now,
    )

    registry = scrape(DatabaseGauges())

    assert value(registry, "releasegate_outbox_backlog") == 2
    assert value(registry, "releasegate_outbox_failed") == 1
    assert value(registry, "releasegate_inbox_backlog") == 1


def test_an_unreadable_database_is_reported_not_a_failed_scrape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreachable() -> None:
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(connection, "cursor", unreachable)

    registry = scrape(DatabaseGauges())

    assert value(registry, "releasegate_database_up") == 0
    assert value(registry, "releasegate_releases", state="RECEIVED") is None


@pytest.mark.usefixtures("metrics_open")
def test_the_endpoint_serves_them_in_prometheus_text_format(client: Client) -> None:
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    assert 'releasegate_releases{state="SCHEDULED"} 0.0' in text
    for name, kind in (
        ("releasegate_outbox_backlog", "gauge"),
        ("releasegate_inbox_backlog", "gauge"),
        ("releasegate_worker_lag_seconds", "gauge"),
        ("releasegate_approval_to_trigger_seconds", "histogram"),
        ("releasegate_outbound_requests_total", "counter"),
        ("releasegate_outbound_errors_total", "counter"),
    ):
        assert f"# TYPE {name} {kind}\n" in text
    assert "_created" not in text
