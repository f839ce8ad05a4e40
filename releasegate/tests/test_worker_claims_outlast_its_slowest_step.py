"""A worker's claim on a release must outlast the slowest step it can make, or a second
worker could take the release over mid-trigger and trigger it again; and no longer than
needed, because a worker killed mid-step holds its releases that long. Found by the chaos
run: the claim was a fixed two minutes whatever the Jenkins timeout (which may be set up
to 300 s), and killed workers held releases two minutes with a 1 s timeout."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from releasegate.background import build_worker
from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.config import load
from releasegate.integrations.jenkins.session import READ_ATTEMPTS
from releasegate.releases.engine.fence import CALLS_PER_STEP
from releasegate.releases.engine.worker import Worker

SETTINGS = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "http://127.0.0.1:9/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "worker-claim-token",
    **DEMO_DINGTALK,
}


def worker_with_jenkins_timeout(seconds: float, tmp_path: Path) -> Worker:
    options = tmp_path / "releasegate.toml"
    options.write_text(f"[jenkins]\ntimeout_seconds = {seconds}\n")
    config = load({**SETTINGS, "RELEASEGATE_CONFIG": str(options)})
    assert config.problems == ()
    return build_worker(config)


def slowest_step(timeout: float) -> timedelta:
    """Every call of a step connecting and reading up to its timeouts, as often as a
    read is asked."""
    connect = min(timeout, 5.0)
    return timedelta(seconds=CALLS_PER_STEP * READ_ATTEMPTS * (connect + timeout))


def test_with_the_longest_jenkins_timeout_a_claim_outlasts_the_slowest_step(
    tmp_path: Path,
) -> None:
    worker = worker_with_jenkins_timeout(300, tmp_path)

    assert worker.context.lease > slowest_step(300)


def test_with_the_default_timeout_a_claim_still_outlasts_the_slowest_step(
    tmp_path: Path,
) -> None:
    worker = worker_with_jenkins_timeout(15, tmp_path)

    assert worker.context.lease > slowest_step(15)


def test_with_a_short_jenkins_timeout_a_killed_workers_releases_are_taken_over_soon(
    tmp_path: Path,
) -> None:
    worker = worker_with_jenkins_timeout(1, tmp_path)

    assert slowest_step(1) < worker.context.lease <= timedelta(seconds=40)
