"""When a release ends, the engine keeps the time of the oldest commit its build's change
sets recorded (where the insights' lead time for changes starts), read with the build it
watches (no request more); a build that recorded none leaves it unknown. Through the
Jenkins simulator's real API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db
ORDER = "mall/order-service"


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    """The order service's pipeline waits at an input step; the engine answers it."""
    rule = InputRule(job=ORDER, input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


def released(harness: Harness) -> Release:
    release = harness.approve()
    harness.until(lambda: harness.state(release) == ReleaseState.SUCCEEDED)
    release.refresh_from_db()
    return release


def test_the_oldest_commit_of_the_build_is_kept(harness: Harness) -> None:
    harness.sim.push_commits(ORDER, {"message": "Fix the cart", "author": "Li Lei"})
    harness.sim.advance(120)
    harness.sim.push_commits(ORDER, {"message": "Faster checkout", "author": "Han Meimei"})

    release = released(harness)

    assert release.build_number is not None
    builds = harness.client().recorded_changes(ORDER)
    commits = next(b.commits for b in builds if b.number == release.build_number)
    assert [c.message for c in commits] == ["Fix the cart", "Faster checkout"]
    first, second = (c.timestamp_ms for c in commits)
    assert first is not None and second is not None and first < second
    assert release.first_commit_at == datetime.fromtimestamp(first / 1000, UTC)


def test_a_build_without_commits_leaves_it_unknown(harness: Harness) -> None:
    release = released(harness)

    assert release.state == ReleaseState.SUCCEEDED
    assert release.first_commit_at is None
