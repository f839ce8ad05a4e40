"""A scheduled release is checked again when its time comes: the job may have gone or
changed, the frozen parameters may have been tampered with, releases may have closed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.releases.models import Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.simulators.jenkins.scenario import ParameterSpec, load_scenario

pytestmark = pytest.mark.django_db

ORDER = "mall/order-service"


def scheduled_in_an_hour(harness: Harness) -> Release:
    release = harness.approve(form={"发布时间": harness.release_time(3600)})
    harness.run()
    assert harness.state(release) == ReleaseState.SCHEDULED
    return release


def fire(harness: Harness, release: Release) -> None:
    assert release.scheduled_for is not None
    harness.tick((release.scheduled_for - harness.clock.now).total_seconds())
    harness.run(passes=2)


def remove_the_job(harness: Harness) -> None:
    harness.sim.remove_job(ORDER)
    harness.sync()


def disable_the_job(harness: Harness) -> None:
    harness.put_job(ORDER, disabled=True)


def drop_the_approved_tag(harness: Harness) -> None:
    [job] = [job for job in load_scenario("demo").jobs if job.path == ORDER]
    tag = ParameterSpec(name="TAG", type="choice", choices=["v3.9.0", "v3.8.0"])
    harness.put_job(ORDER, parameters=[tag, *job.parameters[1:]])


def tamper_with_the_parameters(harness: Harness) -> None:
    release = Release.objects.get()
    Release.objects.filter(pk=release.pk).update(
        approved_parameters={**release.approved_parameters, "TAG": "v3.8.0"}
    )


def freeze_releases(harness: Harness) -> None:
    freeze = harness.freeze_around_now("临时封网", before=-1800, after=2 * 3600)
    harness.context.options = harness.context.options.model_copy(update={"freezes": [freeze]})


CHANGES: dict[str, tuple[Callable[[Harness], None], str]] = {
    "the job was deleted": (remove_the_job, f"应用 {ORDER} 已不存在、已停用或未开放发布"),
    "the job was disabled": (disable_the_job, f"应用 {ORDER} 已不存在、已停用或未开放发布"),
    "the job no longer offers the tag": (
        drop_the_approved_tag,
        "Jenkins 任务的参数定义已变化：参数 TAG 的值 'v3.7.2' 不在可选范围内",
    ),
    "the frozen parameters were changed": (tamper_with_the_parameters, "审批后的参数被改动"),
    "a freeze was declared meanwhile": (freeze_releases, "处于封网期：临时封网"),
}


@pytest.mark.parametrize(("change", "reason"), CHANGES.values(), ids=CHANGES.keys())
def test_a_change_since_approval_rejects_the_release_when_it_fires(
    harness: Harness, change: Callable[[Harness], None], reason: str
) -> None:
    release = scheduled_in_an_hour(harness)

    change(harness)
    fire(harness, release)

    assert harness.state(release) == ReleaseState.REJECTED
    assert reason in release.reason
    rejected = release.events.get(to_state=ReleaseState.REJECTED)
    assert (rejected.from_state, rejected.actor) == (ReleaseState.SCHEDULED, "policy")
    assert reason in rejected.reason
    told = Notification.objects.get(release=release, kind="rejected")
    assert told.recipients == ["zhangsan", "lisi", "wangwu"]
    assert reason in told.markdown
    assert harness.sim.builds() == []


def test_with_hold_a_freeze_declared_meanwhile_moves_the_release_to_its_end(
    harness: Harness,
) -> None:
    harness.context.options = harness.context.options.model_copy(
        update={"hold_outside_window": True}
    )
    release = scheduled_in_an_hour(harness)
    freeze_releases(harness)
    [freeze] = harness.context.options.freezes
    end = freeze.end.replace(tzinfo=harness.context.options.zone)

    fire(harness, release)

    assert harness.state(release) == ReleaseState.SCHEDULED
    assert (release.scheduled_for, release.next_run_at) == (end, end)
    held = release.events.get(kind="held")
    assert "临时封网" in held.reason
    assert harness.sim.builds() == []

    fire(harness, release)

    assert harness.state(release) in (ReleaseState.QUEUED, ReleaseState.RUNNING)
    assert release.trigger_attempted_at == end
    assert len(harness.sim.builds()) == 1
