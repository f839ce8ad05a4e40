from __future__ import annotations

import logging

import pytest

from releasegate.lib.log_context import ReleaseIdFilter, current_release_id
from releasegate.releases.models import ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


def test_the_jenkins_calls_of_a_release_are_logged_with_its_id(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(ReleaseIdFilter())
    caplog.set_level(logging.DEBUG, logger="releasegate.http")
    first = harness.approve("inst-1")

    harness.until(lambda: harness.state(first) == ReleaseState.WAITING_INPUT)

    jenkins_calls = [r for r in caplog.records if r.name == "releasegate.http"]
    triggers = [r for r in jenkins_calls if "buildWithParameters" in r.getMessage()]
    assert triggers
    assert {getattr(r, "release_id", None) for r in triggers} == {first.pk}
    watched = [r for r in jenkins_calls if "/api/json" in r.getMessage()]
    assert first.pk in {getattr(r, "release_id", None) for r in watched}
    assert current_release_id() is None


def test_records_after_the_work_carry_no_release_id(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(ReleaseIdFilter())
    caplog.set_level(logging.DEBUG, logger="releasegate.http")
    harness.approve("inst-1")
    harness.run(passes=3, seconds=1)

    # The catalog sync after the passes works on no release.
    caplog.clear()
    harness.sync()

    assert caplog.records
    assert all(getattr(r, "release_id", None) is None for r in caplog.records)
