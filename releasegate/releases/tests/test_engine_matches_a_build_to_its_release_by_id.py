"""Where the job declares a `RELEASEGATE_RELEASE_ID` parameter, the release's id travels
with the build, and a build is matched to its release after a crash by that id alone:
a lookalike build (same values otherwise) is never taken for ours."""

from __future__ import annotations

import pytest

from releasegate.releases.engine import steps
from releasegate.releases.engine.fence import LEASE
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.engine_harness import Crash, Harness, dies
from releasegate.simulators.jenkins.scenario import ParameterSpec

pytestmark = pytest.mark.django_db

CHECKOUT = "mall/checkout-service"
FORM = {"应用名称": "结算服务 (mall/checkout-service)", "分支或标签": "v1.2.0"}
S = ReleaseState


@pytest.fixture(autouse=True)
def checkout_service(harness: Harness) -> None:
    harness.put_job(
        CHECKOUT,
        display_name="结算服务",
        concurrent=True,
        duration=5,
        parameters=[
            ParameterSpec(name="TAG", type="choice", choices=["v1.2.0", "v1.1.0"]),
            ParameterSpec(name="RELEASEGATE_RELEASE_ID", default=""),
        ],
    )


def crash_then_recover(harness: Harness, release: Release) -> None:
    with pytest.raises(Crash):
        harness.until(lambda: False, passes=5)
    harness.tick(LEASE.total_seconds() + 1)
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)


def test_the_build_carries_the_release_id(harness: Harness) -> None:
    release = harness.approve(form=FORM)

    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    assert release.approved_parameters == {
        "TAG": "v1.2.0",
        "RELEASEGATE_RELEASE_ID": str(release.pk),
    }
    [build] = harness.sim.builds(CHECKOUT)
    assert build["parameters"] == release.approved_parameters


def test_after_a_crash_before_the_post_a_lookalike_build_is_not_taken_for_ours(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = harness.approve(form=FORM)
    monkeypatch.setattr(steps, "trigger", dies(steps.trigger))
    with pytest.raises(Crash):
        harness.until(lambda: False, passes=5)
    # Meanwhile another system started the job with the same tag (and not our id).
    harness.jenkins.trigger(CHECKOUT, {"TAG": "v1.2.0", "RELEASEGATE_RELEASE_ID": "other"})
    harness.tick(LEASE.total_seconds() + 1)

    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    builds = harness.sim.builds(CHECKOUT)
    assert [b["parameters"]["RELEASEGATE_RELEASE_ID"] for b in builds] == ["other", str(release.pk)]
    assert release.build_number == builds[1]["number"]


def test_after_a_crash_after_the_post_our_build_is_found_among_lookalikes(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = harness.approve(form={**FORM, "发布时间": harness.release_time(60)})
    harness.run()
    # Just before our trigger, another system started the job with the same tag.
    harness.jenkins.trigger(CHECKOUT, {"TAG": "v1.2.0", "RELEASEGATE_RELEASE_ID": "other"})
    monkeypatch.setattr(steps, "_queued", dies(steps._queued))
    harness.tick(60)

    crash_then_recover(harness, release)

    builds = harness.sim.builds(CHECKOUT)
    assert [b["parameters"]["RELEASEGATE_RELEASE_ID"] for b in builds] == ["other", str(release.pk)]
    assert release.build_number == builds[1]["number"]
    assert release.events.get(to_state=S.RUNNING).reason == (
        f"found build #{builds[1]['number']} from the earlier trigger attempt"
    )
