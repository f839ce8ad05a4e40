"""Watching running builds costs one `builds` request per job and poll, however many of
the job's releases are running: N releases of one job are not N requests."""

from __future__ import annotations

import pytest

from releasegate.config import ReleaseOptions
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.simulators.jenkins.scenario import ParameterSpec

pytestmark = pytest.mark.django_db

BATCH = "ops/data-migration"
RUNNING = 4  # the demo Jenkins' executors
S = ReleaseState


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    return engine_options.model_copy(update={"one_active_per_application": False})


@pytest.fixture(autouse=True)
def long_builds(harness: Harness) -> None:
    """A job whose builds run side by side for ten minutes."""
    harness.put_job(
        BATCH,
        display_name="数据迁移",
        concurrent=True,
        duration=600,
        parameters=[ParameterSpec(name="TAG")],
    )


def running(harness: Harness, job: str, count: int, first: int = 0) -> list[Release]:
    folder = job.split("/")[0]
    releases = [
        harness.approve(
            f"inst-{job}-{n}",
            form={"项目名称": folder, "应用名称": job, "分支或标签": f"v{n}"},
        )
        for n in range(first, first + count)
    ]
    harness.until(lambda: all(harness.state(r) == S.RUNNING for r in releases))
    return releases


def requests_for_one_poll(harness: Harness) -> int:
    harness.tick(harness.context.options.poll_seconds)
    harness.sim.reset_requests()
    harness.run()
    return int(harness.sim.requests()["total"])


def test_releases_of_one_job_are_watched_with_one_request(harness: Harness) -> None:
    releases = running(harness, BATCH, RUNNING)

    for _ in range(3):
        assert requests_for_one_poll(harness) == 1

    assert all(harness.state(r) == S.RUNNING for r in releases)
    assert sorted(r.build_number or 0 for r in releases) == list(range(1, RUNNING + 1))


def test_it_is_one_request_per_job(harness: Harness) -> None:
    running(harness, BATCH, 2)
    harness.put_job(
        "ops/cache-warmup", concurrent=True, duration=600, parameters=[ParameterSpec(name="TAG")]
    )
    running(harness, "ops/cache-warmup", 2, first=2)

    assert requests_for_one_poll(harness) == 2


def test_the_builds_are_still_followed_to_their_ends(harness: Harness) -> None:
    releases = running(harness, BATCH, RUNNING)

    harness.tick(600)
    harness.sim.reset_requests()
    harness.run()

    assert [harness.state(r) for r in releases] == [S.SUCCEEDED] * RUNNING
    assert [r.build_number for r in releases] == [
        b["number"] for b in sorted(harness.sim.builds(BATCH), key=lambda b: b["parameters"]["TAG"])
    ]
    # One listing for the job; a successful build needs no console tail.
    assert harness.sim.requests()["total"] == 1
