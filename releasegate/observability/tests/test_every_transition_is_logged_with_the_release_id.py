"""An operator follows a release in the log: every move of its state, with its id, at a
level that says how it went (an ERROR release at ERROR, a failed build at WARNING)."""

from __future__ import annotations

import logging

import pytest

from releasegate.lib.log_context import ReleaseIdFilter
from releasegate.releases.models import ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db(transaction=True)


def moves(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int | None, str]]:
    return [
        (r.levelname, getattr(r, "release_id", None), r.getMessage())
        for r in caplog.records
        if r.name == "releasegate.releases"
    ]


def test_each_move_is_logged_once_committed(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(ReleaseIdFilter())
    caplog.set_level(logging.INFO, logger="releasegate.releases")
    release = harness.approve("inst-1")

    harness.until(lambda: harness.state(release) == ReleaseState.WAITING_INPUT)

    logged = moves(caplog)
    assert (
        "INFO",
        release.pk,
        f"release {release.pk}: RECEIVED → SCHEDULED: approved parameters frozen; runs now",
    ) in logged
    assert all(release_id == release.pk for _, release_id, _ in logged)
    assert any(
        "TRIGGERING → QUEUED" in message or "TRIGGERING → RUNNING" in message
        for _, _, message in logged
    )
