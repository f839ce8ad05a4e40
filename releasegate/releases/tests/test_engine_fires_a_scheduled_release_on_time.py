"""A release time ahead: SCHEDULED, the people told when, and the trigger at that time,
never before it and within a second of it (the worker looks every quarter second)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from releasegate.releases.models import Notification, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


def test_a_time_ahead_schedules_the_release_and_tells_everyone_when(harness: Harness) -> None:
    wanted = harness.release_time(3600)
    release = harness.approve(form={"发布时间": wanted})

    harness.run()

    assert harness.state(release) == ReleaseState.SCHEDULED
    assert release.scheduled_for == release.requested_time
    assert release.next_run_at == release.requested_time
    assert release.approved_parameters == {
        "TAG": "v3.7.2",
        "RELEASE_TYPE": "灰度",
        "CANARY_PERCENT": "10",
    }
    [told] = Notification.objects.filter(release=release)
    assert (told.kind, told.recipients) == ("scheduled", ["zhangsan", "lisi", "wangwu"])
    assert f"计划时间：{wanted}" in told.markdown


def test_it_fires_at_its_time_never_before_and_within_a_second(harness: Harness) -> None:
    release = harness.approve(form={"发布时间": harness.release_time(600)})
    harness.run()
    due = release.requested_time
    assert due is not None and due > harness.clock.now
    harness.tick((due - harness.clock.now).total_seconds() - 2)

    looked_at = []
    while harness.state(release) == ReleaseState.SCHEDULED:
        assert harness.sim.builds() == [], f"triggered early, at {harness.clock.now}"
        assert harness.clock.now < due + timedelta(seconds=1), "not triggered in time"
        harness.run(seconds=0.25)
        looked_at.append(harness.clock.now)

    release.refresh_from_db()
    assert release.trigger_attempted_at is not None
    assert due <= release.trigger_attempted_at < due + timedelta(seconds=1)
    assert len(looked_at) >= 8, "the worker was not looking before the time came"
    triggering = release.events.get(to_state=ReleaseState.TRIGGERING)
    assert triggering.at == release.trigger_attempted_at
    [build] = harness.sim.builds()
    assert build["parameters"] == release.approved_parameters
