"""An approval withdrawn before the release fires cancels it: nothing runs."""

from __future__ import annotations

import pytest

from releasegate.releases.models import Approval, Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


def scheduled_in_an_hour(harness: Harness) -> Release:
    release = harness.approve(form={"发布时间": harness.release_time(3600)})
    harness.run()
    assert harness.state(release) == ReleaseState.SCHEDULED
    return release


def test_a_revocation_after_approval_cancels_the_scheduled_release(harness: Harness) -> None:
    release = scheduled_in_an_hour(harness)

    harness.approve(taken_back_by="revocation-1")
    harness.tick(2 * 3600)
    harness.run(passes=3)

    assert harness.state(release) == ReleaseState.CANCELLED
    cancelled = release.events.get(to_state=ReleaseState.CANCELLED)
    assert (cancelled.from_state, cancelled.actor) == (ReleaseState.SCHEDULED, "ingest")
    assert "审批已撤销或被拒绝" in cancelled.reason
    assert release.reason == cancelled.reason
    told = Notification.objects.get(release=release, kind="cancelled")
    assert told.recipients == ["zhangsan", "lisi", "wangwu"]
    assert f"原因：{cancelled.reason}" in told.markdown
    assert harness.sim.builds() == []


def test_an_approval_no_longer_granted_when_it_fires_cancels_it_and_says_why(
    harness: Harness,
) -> None:
    release = scheduled_in_an_hour(harness)
    # The platform now describes the approval as pending again, which is not a
    # withdrawal ingest acts on; the worker still must not fire what is no longer approved.
    Approval.objects.filter(pk=release.approval_id).update(
        status="pending", provider_status="RUNNING"
    )

    harness.tick(3600)
    harness.run(passes=2)

    assert harness.state(release) == ReleaseState.CANCELLED
    assert release.reason == "审批已不再有效（RUNNING）"
    cancelled = release.events.get(to_state=ReleaseState.CANCELLED)
    assert (cancelled.from_state, cancelled.actor) == (ReleaseState.SCHEDULED, "worker")
    told = Notification.objects.get(release=release, kind="cancelled")
    assert told.recipients == ["zhangsan", "lisi", "wangwu"]
    assert "审批已不再有效" in told.markdown
    assert harness.sim.builds() == []


def test_an_approval_recorded_as_taken_back_is_not_fired(harness: Harness) -> None:
    release = scheduled_in_an_hour(harness)
    # Still approved, but a revocation attached to it was recorded.
    Approval.objects.filter(pk=release.approval_id).update(
        taken_back=True, provider_status="COMPLETED agree REVOKE"
    )

    harness.tick(3600)
    harness.run(passes=2)

    assert harness.state(release) == ReleaseState.CANCELLED
    assert release.reason == "审批已不再有效（COMPLETED agree REVOKE）"
    assert harness.sim.builds() == []
