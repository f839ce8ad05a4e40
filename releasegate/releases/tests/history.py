"""A small hand-made release history over two weeks of March 2026, for the insights:
every time fixed, so the expected figures can be worked out by hand (see `EXPECTED`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from releasegate.releases.models import Approval, Release, ReleaseState

S = ReleaseState
# Monday 2 March 2026, midnight in the dashboard's time zone (Asia/Shanghai, UTC+8).
WEEK_1 = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
WEEK_2 = WEEK_1 + timedelta(days=7)
UNTIL = WEEK_2 + timedelta(days=7)
H = timedelta(hours=1)
M = timedelta(minutes=1)


def ended(
    name: str,
    state: ReleaseState,
    finished_at: datetime,
    *,
    application: str = "mall/order-service",
    asked: timedelta | None = None,
    approved: timedelta | None = None,
    triggered: timedelta | None = None,
    **fields: Any,
) -> Release:
    """A release that ended at `finished_at`; `asked`, `approved`, `triggered` are how
    long before its end each happened."""
    approval = Approval.objects.create(
        provider="dingtalk",
        instance_id=name,
        status="approved",
        created_at_provider=finished_at - asked if asked else None,
        finished_at_provider=finished_at - approved if approved else None,
        first_seen_at=finished_at - 10 * H,
        refreshed_at=finished_at,
    )
    return Release.objects.create(
        approval=approval,
        state=state,
        project_key=application.split("/", 1)[0],
        application_name=application,
        received_via="event",
        received_at=finished_at - 10 * H,
        trigger_attempted_at=finished_at - triggered if triggered else None,
        finished_at=finished_at,
        updated_at=finished_at,
        **fields,
    )


def march_history() -> None:
    """Week 1: a success with a commit 24 h before, a failure restored by the next
    success 3 h later. Week 2: a success (commit 12 h before) rolled back 2 h later, a
    failure of the cart never restored, and what does not count: a cancelled release, a
    shop release, a mall release just after the range."""
    t = WEEK_1 + 2 * H
    commit = t - 24 * H
    ended("r1", S.SUCCEEDED, t, asked=2 * H, approved=H, triggered=30 * M, first_commit_at=commit)
    ended("r2", S.FAILED, t + 24 * H, asked=3 * H, approved=H, triggered=20 * M)
    good = ended("r3", S.SUCCEEDED, t + 27 * H, asked=4 * H, approved=H, triggered=10 * M)
    t = WEEK_2 + 26 * H
    bad = ended("r4", S.SUCCEEDED, t, first_commit_at=t - 12 * H)
    ended("r5", S.SUCCEEDED, t + 2 * H, is_rollback=True, rollback_of=bad, rollback_to=good)
    ended("r7", S.FAILED, t + 24 * H, application="mall/cart")
    ended("r8", S.SUCCEEDED, t, application="shop/web")
    ended("r9", S.SUCCEEDED, UNTIL + H)
    ended("r6", S.CANCELLED, t)
