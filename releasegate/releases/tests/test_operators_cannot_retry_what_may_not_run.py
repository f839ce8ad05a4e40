"""A retry is refused, with why, and changes nothing, when the release did not end in
ERROR, its approval was revoked or terminated since, its frozen parameters changed, the
rules would refuse it if it fired now, or another release of its application is active
(said before the approval platform is asked)."""

from __future__ import annotations

from typing import Any

import pytest

from releasegate.releases.approvals.instance import ApprovalStatus
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.operators import CannotRetry, retry_release
from releasegate.releases.tests.approvals import ORDER_FORM, instance, sources
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

FORM = {"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
S = ReleaseState


def retry(harness: Harness, release: Release) -> Release:
    return retry_release(
        release.pk,
        actor="operator:ops",
        sources=sources(harness.approvals),
        options=harness.context.options,
        now=harness.clock(),
    )


@pytest.fixture
def in_error(harness: Harness) -> Release:
    """A release Jenkins refused to build (a revoked token); the token then fixed."""
    fixed = harness.context.jenkins
    harness.context.jenkins = harness.client(token="revoked-token")
    release = harness.approve(form=FORM)
    harness.until(lambda: harness.state(release) == S.ERROR)
    harness.context.jenkins = fixed
    return release


def refused(harness: Harness, release: Release, why: str) -> None:
    before = Release.objects.get(pk=release.pk)
    with pytest.raises(CannotRetry, match=why):
        retry(harness, release)
    release.refresh_from_db()
    assert (release.state, release.version) == (before.state, before.version)
    assert not release.events.filter(from_state=S.ERROR).exists()


def test_only_a_release_in_error_is_retried(harness: Harness) -> None:
    release = harness.approve(form=FORM)
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    refused(harness, release, "只有以 ERROR 结束的发布可以重试")

    assert len(harness.sim.builds()) == 1


@pytest.mark.parametrize(
    "changes",
    [{"taken_back_by": "revoke-1"}, {"status": ApprovalStatus.WITHDRAWN}],
    ids=["revoked after approval", "terminated"],
)
def test_an_approval_that_no_longer_holds_refuses_the_retry(
    harness: Harness, in_error: Release, changes: dict[str, Any]
) -> None:
    harness.approvals.instances["inst-1"] = instance(
        "inst-1", form={**ORDER_FORM, **FORM}, decided_at=harness.clock(), **changes
    )

    refused(harness, in_error, "审批已不再有效")

    harness.run(passes=3, seconds=5)
    assert harness.sim.builds() == []


def test_parameters_changed_after_approval_refuse_the_retry(
    harness: Harness, in_error: Release
) -> None:
    Release.objects.filter(pk=in_error.pk).update(
        approved_parameters={**in_error.approved_parameters, "BRANCH": "hotfix/cart-total"}
    )

    refused(harness, in_error, "审批后的参数被改动")


def test_a_freeze_refuses_the_retry_with_its_reason(harness: Harness, in_error: Release) -> None:
    freeze = harness.freeze_around_now("双十一封网")
    harness.context.options = harness.context.options.model_copy(update={"freezes": [freeze]})

    refused(harness, in_error, "双十一封网")


def test_another_active_release_of_the_application_refuses_the_retry(
    harness: Harness, in_error: Release
) -> None:
    other = harness.approve("inst-2", form={**FORM, "分支或标签": "release/2026.11"})
    harness.until(lambda: harness.state(other) == S.RUNNING)
    asked = harness.approvals.calls

    refused(harness, in_error, f"同一应用的发布 {other.pk} 正在进行")

    # Said without asking the approval platform: each ask costs its API quota.
    assert harness.approvals.calls == asked
