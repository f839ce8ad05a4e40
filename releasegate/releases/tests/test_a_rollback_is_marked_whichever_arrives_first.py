"""A rollback's release is marked and linked whether ingest makes it after the rollback was
recorded (the usual order: approvers take a while) or before (a platform that reported the
approval between the start call and the commit that records the rollback)."""

from __future__ import annotations

import pytest

from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.models import Release
from releasegate.releases.rollbacks import RollbackPlan, remember
from releasegate.releases.tests.approvals import PROVIDER
from releasegate.releases.tests.engine_harness import Harness
from releasegate.releases.tests.rollback_story import engine_options, good_then_bad  # noqa: F401

pytestmark = pytest.mark.django_db


def plan_for(good: Release, bad: Release) -> RollbackPlan:
    request = ReleaseRequest(project="mall", application="mall/order-service")
    return RollbackPlan(bad, good, request, requested_by="zhangsan", reason="下单失败")


def kinds(release: Release) -> list[str]:
    return list(release.events.values_list("kind", flat=True))


def test_recorded_first_the_release_is_marked_when_made(harness: Harness) -> None:
    good, bad = good_then_bad(harness)
    remember(plan_for(good, bad), provider=PROVIDER, instance_id="rb", now=harness.clock())

    rollback = harness.approve("rb")

    assert (rollback.is_rollback, rollback.rollback_of, rollback.rollback_to) == (True, bad, good)
    assert "rollback" in kinds(rollback)
    assert "rollback-requested" in kinds(bad)


def test_made_first_the_release_is_marked_when_recorded(harness: Harness) -> None:
    good, bad = good_then_bad(harness)
    made = harness.approve("rb")

    remember(plan_for(good, bad), provider=PROVIDER, instance_id="rb", now=harness.clock())

    made.refresh_from_db()
    assert (made.is_rollback, made.rollback_of, made.rollback_to) == (True, bad, good)
    assert kinds(made).count("rollback") == 1
