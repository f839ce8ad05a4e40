"""A worker may die between any two steps of a release. Whatever it left behind, the next
worker, once the dead one's lease has passed, finishes the release with exactly one
build carrying exactly the approved parameters (architecture §3)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.engine import steps, watch
from releasegate.releases.engine.fence import LEASE
from releasegate.releases.messages import notify
from releasegate.releases.models import Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Crash, Harness, dies

pytestmark = pytest.mark.django_db

ORDER = "mall/order-service"
APPROVED = {"TAG": "v3.7.2", "RELEASE_TYPE": "灰度", "CANARY_PERCENT": "10"}
S = ReleaseState


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    rule = InputRule(job=ORDER, input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


CrashPoint = Callable[[pytest.MonkeyPatch, Harness], None]
# Where the worker dies, and the state it leaves the release in.
CRASH_POINTS: dict[str, tuple[CrashPoint, S]] = {
    "after the intent to trigger was committed, before the POST": (
        lambda mp, h: mp.setattr(steps, "trigger", dies(steps.trigger)),
        S.TRIGGERING,
    ),
    "after the POST, before the queue item was saved": (
        lambda mp, h: mp.setattr(steps, "_queued", dies(steps._queued)),
        S.TRIGGERING,
    ),
    "after the queue item was saved, before its build was looked up": (
        lambda mp, h: mp.setattr(
            h.jenkins, "resolve_queue_item", dies(h.jenkins.resolve_queue_item)
        ),
        S.QUEUED,
    ),
    "before the input step was answered": (
        lambda mp, h: mp.setattr(h.jenkins, "proceed_input", dies(h.jenkins.proceed_input)),
        S.RUNNING,
    ),
    "after the input step was answered, before that was recorded": (
        lambda mp, h: mp.setattr(
            h.jenkins, "proceed_input", dies(h.jenkins.proceed_input, after=True)
        ),
        S.RUNNING,
    ),
    "after the build ended, before the result was recorded": (
        lambda mp, h: mp.setattr(watch, "notify", dies(notify)),
        S.RUNNING,
    ),
}


def crashed(harness: Harness, release: Release) -> Release:
    """Run the worker until it dies; the release as it left it."""
    with pytest.raises(Crash):
        harness.until(lambda: False, passes=20)
    return Release.objects.get(pk=release.pk)


def recover(harness: Harness, release: Release) -> None:
    """Another worker takes over once the dead one's lease has passed (not before) and
    runs the release to its end."""
    left = Release.objects.get(pk=release.pk)
    builds_left = [build["number"] for build in harness.sim.builds()]
    next_worker = harness.another_worker()

    harness.tick(LEASE.total_seconds() - 5)
    next_worker.run_once()
    assert Release.objects.get(pk=release.pk).version == left.version
    assert [build["number"] for build in harness.sim.builds()] == builds_left

    harness.tick(5)
    for _ in range(20):
        next_worker.run_once()
        if harness.state(release) == S.SUCCEEDED:
            return
        harness.tick(3)
    pytest.fail(f"release {release.pk} is {release.state} after recovery")


@pytest.mark.parametrize(("crash", "left_in"), CRASH_POINTS.values(), ids=CRASH_POINTS.keys())
def test_the_next_worker_finishes_the_release_with_one_build(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, crash: CrashPoint, left_in: S
) -> None:
    release = harness.approve()
    crash(monkeypatch, harness)

    assert crashed(harness, release).state == left_in
    recover(harness, release)

    assert harness.state(release) == S.SUCCEEDED
    [build] = harness.sim.builds()
    assert build["parameters"] == APPROVED == release.approved_parameters
    assert (build["result"], release.build_number) == ("SUCCESS", build["number"])
    assert build["input"]["state"] == "proceeded"
    assert release.events.filter(kind="input-answered").count() <= 1
    assert release.events.filter(to_state=S.SUCCEEDED).count() == 1
    kinds = Notification.objects.filter(release=release).values_list("kind", flat=True)
    assert sorted(kinds) == ["finished", "started"]


def test_a_build_found_after_a_crash_is_recorded_as_found_not_triggered(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = harness.approve()
    monkeypatch.setattr(steps, "_queued", dies(steps._queued))
    crashed(harness, release)

    recover(harness, release)

    running = release.events.get(to_state=S.RUNNING)
    assert (running.from_state, running.actor) == (S.TRIGGERING, "worker")
    assert running.reason == "found build #1 from the earlier trigger attempt"
    assert not release.events.filter(kind="state", to_state=S.QUEUED).exists()


def test_recovery_never_adopts_the_build_of_an_earlier_release_with_the_same_parameters(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = harness.approve("inst-1")
    harness.until(lambda: harness.state(first) == S.SUCCEEDED)
    second = harness.approve("inst-2")
    monkeypatch.setattr(steps, "trigger", dies(steps.trigger))
    assert crashed(harness, second).state == S.TRIGGERING

    recover(harness, second)

    builds = harness.sim.builds(ORDER)
    assert [(b["number"], b["parameters"]) for b in builds] == [(1, APPROVED), (2, APPROVED)]
    assert (first.build_number, second.build_number) == (1, 2)
