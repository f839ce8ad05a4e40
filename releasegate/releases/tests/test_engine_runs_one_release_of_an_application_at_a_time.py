"""One active release per application: a second one waits in SCHEDULED until the first
has ended and then runs, or, with `reject_when_busy`, is refused."""

from __future__ import annotations

import pytest

from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.models import Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

ORDER = "mall/order-service"
S = ReleaseState


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    rule = InputRule(job=ORDER, input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


def two_releases(harness: Harness) -> tuple[Release, Release]:
    first = harness.approve("inst-1")
    harness.until(lambda: harness.state(first) == S.RUNNING)
    second = harness.approve("inst-2", form={"分支或标签": "v3.8.0"})
    return first, second


def test_the_second_release_waits_for_the_first_to_end_then_runs(harness: Harness) -> None:
    first, second = two_releases(harness)

    harness.until(lambda: harness.state(first) == S.SUCCEEDED)
    assert harness.state(second) == S.SCHEDULED
    assert [b["parameters"]["TAG"] for b in harness.sim.builds(ORDER)] == ["v3.7.2"]

    harness.until(lambda: harness.state(second) == S.SUCCEEDED)

    builds = harness.sim.builds(ORDER)
    assert [(b["number"], b["parameters"]["TAG"]) for b in builds] == [(1, "v3.7.2"), (2, "v3.8.0")]
    assert builds[1]["started_ms"] >= builds[0]["finished_ms"]
    first_ended = first.events.get(to_state=S.SUCCEEDED)
    second_fired = second.events.get(to_state=S.TRIGGERING)
    assert second_fired.pk > first_ended.pk
    [waiting] = second.events.filter(kind="waiting")
    assert waiting.actor == "policy"
    assert f"#{first.pk} runs" in waiting.reason
    assert (second.build_number, second.result) == (2, "SUCCESS")


def test_with_reject_when_busy_the_second_release_is_refused(
    harness: Harness, engine_options: ReleaseOptions
) -> None:
    harness.context.options = engine_options.model_copy(update={"reject_when_busy": True})
    first, second = two_releases(harness)

    harness.run(passes=2)

    assert harness.state(second) == S.REJECTED
    assert second.reason == f"该应用正在发布中（发布 #{first.pk}）"
    assert second.events.get(to_state=S.REJECTED).from_state == S.SCHEDULED
    told = Notification.objects.get(release=second)
    assert (told.kind, told.recipients) == ("rejected", ["zhangsan", "lisi", "wangwu"])
    harness.until(lambda: harness.state(first) == S.SUCCEEDED)
    harness.run(passes=3, seconds=3)
    assert [b["parameters"]["TAG"] for b in harness.sim.builds(ORDER)] == ["v3.7.2"]


def test_releases_of_different_applications_run_side_by_side(harness: Harness) -> None:
    order = harness.approve("inst-1")
    frontend = harness.approve(
        "inst-2", form={"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
    )

    harness.run(passes=3)

    assert harness.state(order) == S.RUNNING
    assert harness.state(frontend) == S.RUNNING
    assert not Release.objects.filter(events__kind="waiting").exists()


def test_without_the_lock_a_second_release_does_not_wait(
    harness: Harness, engine_options: ReleaseOptions
) -> None:
    harness.context.options = engine_options.model_copy(
        update={"one_active_per_application": False}
    )
    first, second = two_releases(harness)

    harness.run(passes=2)

    # Triggered at once; Jenkins itself then holds the build of this non-concurrent job.
    assert harness.state(second) == S.QUEUED
    assert harness.state(first) == S.RUNNING
    queued = [i for i in harness.sim.queue() if i["parameters"]["TAG"] == "v3.8.0"]
    assert [(i["id"], i["state"]) for i in queued] == [(second.queue_id, "blocked")]
