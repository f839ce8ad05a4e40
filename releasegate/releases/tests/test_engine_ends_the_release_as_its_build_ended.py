"""A finished build ends its release in the matching state, with the result, how long it
took and, unless it succeeded, the console's last lines."""

from __future__ import annotations

import pytest

from releasegate.releases.models import Notification, ReleaseState
from releasegate.releases.models.release import TERMINAL_STATES
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

FRONTEND = "mall/web-frontend"
FORM = {"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
S = ReleaseState
ENDINGS = {
    "SUCCESS": (S.SUCCEEDED, "✅ 成功"),
    "UNSTABLE": (S.UNSTABLE, "⚠️ 不稳定"),
    "FAILURE": (S.FAILED, "❌ 失败"),
    "ABORTED": (S.ABORTED, "⏹ 已中止"),
    "NOT_BUILT": (S.FAILED, "❌ 失败"),
}


@pytest.mark.parametrize(("result", "ending"), ENDINGS.items(), ids=ENDINGS.keys())
def test_the_release_ends_as_its_build_did(
    harness: Harness, result: str, ending: tuple[S, str]
) -> None:
    state, words = ending
    harness.put_job(FRONTEND, result=result)
    release = harness.approve(form=FORM)

    harness.until(lambda: harness.state(release) in TERMINAL_STATES)

    [build] = harness.sim.builds(FRONTEND)
    assert (release.state, release.result, build["result"]) == (state, result, result)
    assert release.duration_ms == build["finished_ms"] - build["started_ms"]
    ended = release.events.get(to_state=state)
    assert (ended.from_state, ended.actor) == (S.RUNNING, "jenkins")
    assert ended.reason == f"build #1 ended {result}"
    finished = Notification.objects.get(release=release, kind="finished")
    assert f"- 结果：{words}" in finished.markdown
    assert (f"Finished: {result}" in finished.markdown) == (result != "SUCCESS")
    assert (f"Finished: {result}" in release.console_tail) == (result != "SUCCESS")
    assert release.next_run_at is None


def test_a_build_stopped_in_jenkins_ends_the_release_aborted(harness: Harness) -> None:
    release = harness.approve()
    harness.until(lambda: harness.state(release) == S.WAITING_INPUT)

    harness.jenkins.stop_build("mall/order-service", 1)
    harness.until(lambda: harness.state(release) == S.ABORTED)

    assert release.events.get(to_state=S.ABORTED).from_state == S.WAITING_INPUT
    assert "Aborted by releasegate" in release.console_tail
