"""With `hold_outside_window`, a release asked for while releases are closed waits for
the next opening instead of being refused, and runs then (not a second earlier)."""

from __future__ import annotations

from datetime import datetime

import pytest

from releasegate.config import ReleaseOptions
from releasegate.releases.models import Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    return engine_options.model_copy(update={"hold_outside_window": True})


def held_until(harness: Harness, release: Release, opening: datetime) -> None:
    """It is SCHEDULED for `opening`, the people were told why it waits, and nothing
    runs until then."""
    harness.run()
    assert harness.state(release) == ReleaseState.SCHEDULED
    assert release.scheduled_for == opening
    [held] = Notification.objects.filter(release=release)
    assert (held.kind, held.recipients) == ("held", ["zhangsan", "lisi", "wangwu"])
    scheduled = release.events.get(to_state=ReleaseState.SCHEDULED)
    assert scheduled.details["held"] and scheduled.details["held"] in held.markdown
    assert release.reason == ""  # why it waits is not the reason of an ending

    harness.tick((opening - harness.clock.now).total_seconds() - 1)
    harness.run(passes=2)
    assert harness.state(release) == ReleaseState.SCHEDULED
    assert harness.sim.builds() == []

    harness.tick(1)
    harness.run()
    assert harness.triggered(release)
    assert release.trigger_attempted_at == opening
    assert [build["parameters"]["TAG"] for build in harness.sim.builds()] == ["v3.7.2"]


def test_outside_every_window_it_waits_for_the_next_window(harness: Harness) -> None:
    window = harness.window_on_other_days(start="10:00", end="12:00")
    harness.context.options = harness.context.options.model_copy(update={"windows": [window]})
    tomorrow = harness.local(86400).date()
    opening = datetime.combine(tomorrow, window.clock("start"), tzinfo=harness.context.options.zone)

    release = harness.approve()

    held_until(harness, release, opening)


def test_in_a_freeze_it_waits_for_the_freeze_to_end(harness: Harness) -> None:
    freeze = harness.freeze_around_now("大促封网", after=2 * 3600)
    harness.context.options = harness.context.options.model_copy(update={"freezes": [freeze]})

    release = harness.approve()

    held_until(harness, release, freeze.end.replace(tzinfo=harness.context.options.zone))


def test_a_requested_time_inside_a_freeze_waits_for_its_end(harness: Harness) -> None:
    freeze = harness.freeze_around_now("大促封网", before=-3600, after=3 * 3600)
    harness.context.options = harness.context.options.model_copy(update={"freezes": [freeze]})

    release = harness.approve(form={"发布时间": harness.release_time(2 * 3600)})

    held_until(harness, release, freeze.end.replace(tzinfo=harness.context.options.zone))
