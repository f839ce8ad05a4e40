"""A QUEUED release follows its queue item: blocked or waiting for an executor, it keeps
looking; cancelled in Jenkins, it ends FAILED saying so; expired from Jenkins' cache of
left items, its build is found again by the item's id."""

from __future__ import annotations

import pytest

from releasegate.releases.engine.fence import STEPPED, claim_due
from releasegate.releases.engine.steps import step
from releasegate.releases.models import Notification, ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.simulators.jenkins.scenario import ParameterSpec

pytestmark = pytest.mark.django_db

ORDER = "mall/order-service"
FRONTEND = "mall/web-frontend"
FRONTEND_FORM = {"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
S = ReleaseState
CANCELLED = "Jenkins 中的排队项被取消，构建没有运行"


def busy_by_hand(harness: Harness) -> None:
    """Someone started the (non-concurrent) order service by hand; it waits at its input
    step, so the release's build is blocked behind it."""
    harness.jenkins.trigger(ORDER, {"TAG": "v3.7.1"})
    harness.tick(1)


def test_a_blocked_item_is_followed_until_its_build_starts(harness: Harness) -> None:
    busy_by_hand(harness)
    release = harness.approve()
    harness.until(lambda: harness.state(release) == S.QUEUED)

    harness.run(passes=10, seconds=3)

    assert harness.state(release) == S.QUEUED
    [item] = [i for i in harness.sim.queue() if i["id"] == release.queue_id]
    assert (item["state"], item["build"]) == ("blocked", None)
    assert harness.trail(release)[-1] == ("state", S.QUEUED)
    [pending] = harness.jenkins.pending_inputs(ORDER, 1)
    harness.jenkins.proceed_input(ORDER, 1, pending)

    harness.until(lambda: harness.state(release) != S.QUEUED)

    assert harness.state(release) == S.RUNNING
    assert (release.queue_id, release.build_number) == (item["id"], 2)
    assert release.build_url.endswith("/job/mall/job/order-service/2/")


def test_an_item_waiting_for_an_executor_is_followed_until_one_is_free(harness: Harness) -> None:
    harness.put_job(
        "ops/long-batch", concurrent=True, duration=3600, parameters=[ParameterSpec(name="N")]
    )
    for n in range(4):  # as many as the demo Jenkins has executors
        harness.jenkins.trigger("ops/long-batch", {"N": str(n)})
    release = harness.approve(form=FRONTEND_FORM)
    harness.until(lambda: harness.state(release) == S.QUEUED)

    harness.run(passes=5, seconds=3)

    assert harness.state(release) == S.QUEUED
    [item] = [i for i in harness.sim.queue() if i["id"] == release.queue_id]
    assert item["state"] == "buildable"
    harness.jenkins.stop_build("ops/long-batch", 1)

    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    [build] = harness.sim.builds(FRONTEND)
    assert build["queue_id"] == release.queue_id


def test_an_item_cancelled_in_jenkins_ends_the_release_failed_with_the_reason(
    harness: Harness,
) -> None:
    busy_by_hand(harness)
    release = harness.approve()
    harness.until(lambda: harness.state(release) == S.QUEUED)

    assert harness.jenkins.cancel_queue_item(release.queue_id or 0)
    harness.run(seconds=3)
    harness.run()

    assert harness.state(release) == S.FAILED
    assert release.reason == CANCELLED
    failed = release.events.get(to_state=S.FAILED)
    assert (failed.from_state, failed.actor, failed.reason) == (S.QUEUED, "jenkins", CANCELLED)
    told = Notification.objects.get(release=release, kind="finished")
    assert "❌ 失败" in told.markdown
    assert CANCELLED in told.markdown
    assert [b["parameters"]["TAG"] for b in harness.sim.builds()] == ["v3.7.1"]


def test_an_item_expired_from_jenkins_is_found_again_by_its_id(harness: Harness) -> None:
    release = harness.approve(form=FRONTEND_FORM)
    # One step: received, scheduled for now, fired and queued; nobody follows the item.
    [(release_id, version)] = claim_due(STEPPED, harness.clock(), 1)
    step(harness.context, release_id, version)
    assert harness.state(release) == S.QUEUED
    queue_id = release.queue_id or 0

    harness.tick(301)  # the item left the queue 5 minutes ago: Jenkins forgot it
    assert harness.jenkins.queue_item(queue_id) is None
    harness.run()

    [build] = harness.sim.builds(FRONTEND)
    assert (build["queue_id"], build["result"]) == (queue_id, "SUCCESS")
    assert harness.state(release) == S.SUCCEEDED
    assert release.build_number == build["number"]
    running = release.events.get(to_state=S.RUNNING)
    assert (running.from_state, running.reason) == (S.QUEUED, f"build #{build['number']} started")


def test_an_item_jenkins_forgot_without_a_build_ends_in_error_saying_so(
    harness: Harness,
) -> None:
    busy_by_hand(harness)
    release = harness.approve()
    harness.until(lambda: harness.state(release) == S.QUEUED)
    queue_id = release.queue_id or 0
    # Cancelled in Jenkins while no worker was looking, and forgotten 5 minutes later.
    assert harness.jenkins.cancel_queue_item(queue_id)
    harness.tick(301)

    harness.run()

    assert harness.state(release) == S.ERROR
    assert release.reason == f"Jenkins 已不记得排队项 {queue_id}，也找不到带该 queueId 的构建"
    assert Notification.objects.get(release=release, kind="error").recipients == [
        "zhangsan",
        "lisi",
        "wangwu",
    ]
