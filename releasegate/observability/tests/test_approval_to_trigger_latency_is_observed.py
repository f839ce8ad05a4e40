from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from releasegate.releases import metrics, transitions
from releasegate.releases.metrics import observe_trigger
from releasegate.releases.models import Approval, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

LATENCY = CollectorRegistry()
LATENCY.register(metrics.APPROVAL_TO_TRIGGER)


def observed() -> tuple[float, float]:
    """(count, sum) of the histogram so far."""
    name = "releasegate_approval_to_trigger_seconds"
    count = LATENCY.get_sample_value(f"{name}_count") or 0.0
    return count, LATENCY.get_sample_value(f"{name}_sum") or 0.0


def approved_seconds_ago(harness: Harness, instance_id: str, seconds: float) -> Release:
    release = harness.approve(instance_id)
    finished = harness.clock.now - timedelta(seconds=seconds)
    Approval.objects.filter(pk=release.approval_id).update(finished_at_provider=finished)
    return release


def test_the_time_from_approval_to_jenkins_accepting_the_build_is_observed(
    harness: Harness, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    release = approved_seconds_ago(harness, "inst-1", 7)
    count, total = observed()

    with django_capture_on_commit_callbacks(execute=True):
        harness.until(lambda: harness.triggered(release))

    assert observed() == (count + 1, total + 7)


def test_nothing_is_observed_when_jenkins_never_accepts_it(
    harness: Harness, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    release = approved_seconds_ago(harness, "inst-1", 7)
    harness.sim.remove_job("mall/order-service")
    before = observed()

    with django_capture_on_commit_callbacks(execute=True):
        harness.until(lambda: harness.state(release) == ReleaseState.ERROR, seconds=60)

    assert observed() == before


def test_a_move_that_was_rolled_back_is_not_observed(
    harness: Harness,
    django_capture_on_commit_callbacks: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = approved_seconds_ago(harness, "inst-1", 7)
    before = observed()
    real_record = transitions.record

    def failing_on_queued(release: Release, kind: str, **fields: Any) -> Any:
        if fields.get("to_state") == ReleaseState.QUEUED:
            raise RuntimeError("the database went away mid-transaction")
        return real_record(release, kind, **fields)

    monkeypatch.setattr(transitions, "record", failing_on_queued)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        harness.run(passes=2)

    assert harness.state(release) == ReleaseState.TRIGGERING
    assert observed() == before


def test_a_release_scheduled_for_later_is_measured_from_its_time() -> None:
    approved = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    scheduled = approved + timedelta(hours=3)
    before = observed()

    observe_trigger(approved, scheduled, scheduled + timedelta(seconds=4))
    observe_trigger(approved, None, approved + timedelta(seconds=2))

    assert observed() == (before[0] + 2, before[1] + 6)
