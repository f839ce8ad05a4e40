"""Jenkins failing: a transient failure (503, a timeout, a reset connection) is retried
with a growing, jittered delay and the release recovers; too many of them end it in
ERROR with a plain reason. A permanent failure (a disabled job, refused credentials, a
missing permission) ends it in ERROR at once. Every attempt is in the audit trail."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from releasegate.releases.models import Notification, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

FRONTEND = "mall/web-frontend"
FORM = {"应用名称": "商城前端 (mall/web-frontend)", "分支或标签": "master"}
S = ReleaseState
TRANSIENT: dict[str, dict[str, Any]] = {
    "503 Service Unavailable": {"error_rate": 1},
    "a timeout": {"timeout_rate": 1, "timeout_seconds": 1.5},
    "a reset connection": {"reset_rate": 1},
}


@pytest.fixture(autouse=True)
def impatient(harness: Harness) -> None:
    """A client that gives up after half a second (a fault's timeout is 1.5 s), and a
    seeded jitter."""
    harness.context.jenkins = harness.client(timeout=0.5)
    harness.context.jitter = random.Random(7)


def retries(release: Release) -> list[tuple[datetime, datetime]]:
    """(when it failed, when it may try again) for each retry in the audit trail."""
    return [
        (event.at, datetime.fromisoformat(event.details["next"]))
        for event in release.events.filter(kind="retry")
    ]


@pytest.mark.parametrize("fault", TRANSIENT.values(), ids=TRANSIENT.keys())
def test_transient_trigger_failures_back_off_with_jitter_and_recover(
    harness: Harness, fault: dict[str, Any]
) -> None:
    harness.sim.set_faults(methods=["POST"], **fault)
    release = harness.approve(form=FORM)
    harness.until(lambda: release.events.filter(kind="retry").count() == 3, seconds=0.25)

    harness.sim.set_faults()
    harness.until(lambda: harness.state(release) == S.SUCCEEDED, seconds=0.25)

    [build] = harness.sim.builds()
    assert build["parameters"] == release.approved_parameters
    delays = [(next_at - at).total_seconds() for at, next_at in retries(release)]
    for base, delay in zip((2, 4, 8), delays, strict=True):
        assert 0.75 * base <= delay <= 1.25 * base
    assert delays != [2, 4, 8], "no jitter"
    failures = retries(release)
    tried = [at for at, _ in failures[1:]] + [release.events.get(to_state=S.QUEUED).at]
    assert all(at >= next_at for at, (_, next_at) in zip(tried, failures, strict=True))
    assert all(
        event.reason.startswith("trigger: ") for event in release.events.filter(kind="retry")
    )
    assert release.attempts == 0


def test_transient_failures_while_watching_are_retried_too(harness: Harness) -> None:
    release = harness.approve(form=FORM)
    harness.until(lambda: harness.state(release) == S.RUNNING)
    harness.sim.set_faults(error_rate=1, methods=["GET"])

    harness.run(passes=6, seconds=1)

    assert harness.state(release) == S.RUNNING
    assert release.events.filter(kind="retry").count() >= 2
    assert all(e.reason.startswith("watch: ") for e in release.events.filter(kind="retry"))
    harness.sim.set_faults()
    harness.until(lambda: harness.state(release) == S.SUCCEEDED)


def test_too_many_transient_failures_end_in_error_with_a_plain_reason(harness: Harness) -> None:
    harness.context.options = harness.context.options.model_copy(update={"max_attempts": 3})
    harness.sim.set_faults(error_rate=1, methods=["POST"])
    release = harness.approve(form=FORM)

    harness.until(lambda: harness.state(release) == S.ERROR)

    assert release.reason == (
        "trigger failed 3 times: Jenkins answered 503 for job mall/web-frontend "
        "(HTTP ERROR 503 Service Unavailable)"
    )
    assert harness.trail(release)[2:] == [
        ("state", S.TRIGGERING),
        ("retry", ""),
        ("retry", ""),
        ("state", S.ERROR),
    ]
    told = Notification.objects.get(release=release, kind="error")
    assert told.recipients == ["zhangsan", "lisi", "wangwu"]
    assert f"原因：{release.reason}" in told.markdown
    assert harness.sim.builds() == []
    harness.sim.set_faults()
    harness.tick(3600)
    harness.run(passes=3)
    assert harness.sim.builds() == []


def disable_the_job(harness: Harness) -> None:
    # Disabled in Jenkins after the catalog was synced (the form still offered it).
    harness.put_job(FRONTEND, sync=False, disabled=True)


def wrong_token(harness: Harness) -> None:
    harness.context.jenkins = harness.client(token="revoked-token")


def read_only_user(harness: Harness) -> None:
    harness.context.jenkins = harness.client(user="viewer", token="viewer-demo-token")


PERMANENT = {
    "a disabled job (409)": (disable_the_job, "is not buildable"),
    "refused credentials (401)": (wrong_token, "Jenkins refused the credentials"),
    "a missing permission (403)": (
        read_only_user,
        "Jenkins denied access to job mall/web-frontend",
    ),
}


@pytest.mark.parametrize(("break_it", "said"), PERMANENT.values(), ids=PERMANENT.keys())
def test_a_permanent_failure_ends_in_error_at_once(
    harness: Harness, break_it: Callable[[Harness], None], said: str
) -> None:
    break_it(harness)
    release = harness.approve(form=FORM)

    harness.run(passes=3)

    assert harness.state(release) == S.ERROR
    assert release.reason.startswith("trigger failed permanently: ")
    assert said in release.reason
    assert harness.trail(release)[2:] == [("state", S.TRIGGERING), ("state", S.ERROR)]
    assert release.events.get(to_state=S.ERROR).reason == release.reason
    assert Notification.objects.filter(release=release, kind="error").count() == 1
    assert harness.sim.builds() == []
    assert release.next_run_at is None
