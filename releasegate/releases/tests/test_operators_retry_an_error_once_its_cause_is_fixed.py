"""An operator retries a release that ended in ERROR once its cause is fixed: Jenkins
refusing the credentials or a permission, Jenkins unreachable while a build ran, a
trigger whose answer was lost. Each ends with exactly one build: a retry adopts the
queue item or build the earlier attempt created, and resumes watching a build it knows.
The retry is in the audit trail with who asked."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.operators import retry_release
from releasegate.releases.tests.approvals import sources
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

FORM = {"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
S = ReleaseState


def wrong_token(harness: Harness) -> None:
    harness.context.jenkins = harness.client(token="revoked-token")


def read_only_user(harness: Harness) -> None:
    harness.context.jenkins = harness.client(user="viewer", token="viewer-demo-token")


def retry(harness: Harness, release: Release, reason: str = "") -> Release:
    return retry_release(
        release.pk,
        actor="operator:ops",
        reason=reason,
        sources=sources(harness.approvals),
        options=harness.context.options,
        now=harness.clock(),
    )


def ended_in_error(harness: Harness) -> Release:
    release = harness.approve(form=FORM)
    harness.until(lambda: harness.state(release) == S.ERROR)
    return release


@pytest.mark.parametrize(
    "break_it", [wrong_token, read_only_user], ids=["refused credentials", "missing permission"]
)
def test_it_builds_once_after_jenkins_refused_the_trigger_and_the_cause_is_fixed(
    harness: Harness, break_it: Callable[[Harness], None]
) -> None:
    fixed = harness.context.jenkins
    break_it(harness)
    release = ended_in_error(harness)
    assert harness.sim.builds() == []

    harness.context.jenkins = fixed
    retried = retry(harness, release, reason="token renewed")
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    assert retried.state == S.TRIGGERING
    [build] = harness.sim.builds()
    assert (build["number"], build["parameters"]) == (
        release.build_number,
        release.approved_parameters,
    )
    back = release.events.get(from_state=S.ERROR)
    assert (back.to_state, back.actor) == (S.TRIGGERING, "operator:ops")
    assert back.reason == "retried by operator:ops: token renewed"
    assert back.details["error"].startswith("trigger failed permanently: ")
    assert release.reason == "" and release.attempts == 0


@pytest.mark.parametrize("later", [0, 60], ids=["still queued", "already built"])
def test_a_retry_adopts_the_build_a_lost_trigger_answer_made_instead_of_a_second(
    harness: Harness, later: float
) -> None:
    harness.context.options = harness.context.options.model_copy(update={"max_attempts": 1})
    harness.sim.set_faults(lost_response_rate=1, methods=["POST"], paths=["buildWithParameters"])
    release = ended_in_error(harness)
    harness.sim.set_faults()
    harness.tick(later)

    retry(harness, release)
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    [build] = harness.sim.builds()
    assert release.build_number == build["number"]
    adopted = release.events.filter(from_state=S.TRIGGERING).last()
    assert adopted is not None and "from the earlier trigger attempt" in adopted.reason


def test_a_retry_after_an_error_while_watching_resumes_the_same_build(harness: Harness) -> None:
    harness.context.options = harness.context.options.model_copy(update={"max_attempts": 2})
    release = harness.approve(form=FORM)
    harness.until(lambda: harness.state(release) == S.RUNNING)
    harness.sim.set_faults(error_rate=1, methods=["GET"])
    harness.until(lambda: harness.state(release) == S.ERROR)
    harness.sim.set_faults()

    retried = retry(harness, release)
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)

    assert retried.state == S.RUNNING
    [build] = harness.sim.builds()
    assert release.build_number == build["number"]
    back = release.events.get(from_state=S.ERROR)
    assert back.details["resumes"] == f"build #{build['number']}"
    assert [e.to_state for e in release.events.filter(kind="state")].count(S.TRIGGERING) == 1
