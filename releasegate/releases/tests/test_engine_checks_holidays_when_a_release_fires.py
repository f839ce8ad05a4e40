"""A release scheduled into a public holiday is refused when it fires, once the holiday
freeze is on, with the holiday's name: the same rule as at submit time."""

from __future__ import annotations

from datetime import datetime

import pytest

from releasegate.config import HolidayOptions
from releasegate.releases.models import ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


def test_a_release_scheduled_into_national_day_is_refused_when_it_fires(
    harness: Harness,
) -> None:
    # A fixed day: the holiday data is per year.
    harness.clock.now = datetime(2026, 9, 30, 9, 0, tzinfo=harness.context.options.zone)
    release = harness.approve(form={"发布时间": "2026-10-01 10:00"})
    harness.run()
    assert harness.state(release) == ReleaseState.SCHEDULED

    holidays = HolidayOptions(freeze=True)
    harness.context.options = harness.context.options.model_copy(update={"holidays": holidays})
    assert release.scheduled_for is not None
    harness.tick((release.scheduled_for - harness.clock.now).total_seconds())
    harness.run(passes=2)

    assert harness.state(release) == ReleaseState.REJECTED
    assert "法定节假日（国庆节）" in release.reason
    assert harness.sim.builds() == []


def test_a_release_asked_for_national_day_is_refused_when_it_arrives(harness: Harness) -> None:
    harness.context.options = harness.context.options.model_copy(
        update={"holidays": HolidayOptions()}
    )
    harness.clock.now = datetime(2026, 9, 30, 9, 0, tzinfo=harness.context.options.zone)
    release = harness.approve(form={"发布时间": "2026-10-03 10:00"})
    harness.run()

    assert harness.state(release) == ReleaseState.REJECTED
    assert "法定节假日（国庆节）" in release.reason
