"""`releasegate check --connect` checks that JENKINS_USER can see and build each job users
can release, without starting a build: a read-only user is caught before the first
release meets a 403."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import releasegate

RELEASEGATE = {"name": DEMO_USER, "token": DEMO_TOKEN}
# May read the payment jobs but not build them, and cannot see ops/nightly-backup.
DEPLOYER = {
    "name": "deployer",
    "token": "deployer-token",
    "job_permissions": {"payment": ["read"], "ops/nightly-backup": []},
}

# May read everything and build nothing.
VIEWER = {"name": "viewer", "token": "v-token", "permissions": ["read"]}


def settings(jenkins: JenkinsSimulator, user: str, token: str) -> dict[str, str]:
    return {
        "SECRET_KEY": "k" * 50,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": user,
        "JENKINS_TOKEN": token,
    }


def problems(stdout: str) -> list[str]:
    return [line[2:] for line in stdout.splitlines() if line.startswith("✗ JENKINS_")]


@pytest.fixture
def jenkins(start_jenkins: Callable[..., JenkinsSimulator]) -> JenkinsSimulator:
    return start_jenkins(users=[RELEASEGATE, DEPLOYER, VIEWER])


def test_a_read_only_user_is_named_with_the_jobs_it_cannot_build(
    jenkins: JenkinsSimulator, tmp_path: Path
) -> None:
    result = releasegate(
        "check", "--connect", env=settings(jenkins, "viewer", "v-token"), data_dir=tmp_path
    )

    assert result.returncode == 1
    assert problems(result.stdout) == [
        "JENKINS_USER: viewer may not build 7 of 7 exposed jobs (Jenkins offers it no Build "
        "action: give it Job/Build): mall/inventory-service, mall/order-service, "
        "mall/web-frontend, ops/config-center, ops/nightly-backup and 2 more"
    ]


def test_each_catalog_job_it_cannot_see_or_build_is_named(
    jenkins: JenkinsSimulator, tmp_path: Path
) -> None:
    full = settings(jenkins, DEMO_USER, DEMO_TOKEN)
    assert releasegate("migrate", env=full, data_dir=tmp_path).returncode == 0
    assert releasegate("sync", env=full, data_dir=tmp_path).returncode == 0

    env = settings(jenkins, "deployer", "deployer-token")
    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    fix_read = "Jenkins answers 404: give it Job/Read, or run `releasegate sync` if removed"
    fix_build = "Jenkins offers it no Build action: give it Job/Build"
    assert problems(result.stdout) == [
        f"JENKINS_USER: deployer cannot see ops/nightly-backup ({fix_read})",
        f"JENKINS_USER: deployer may not build payment/gateway ({fix_build})",
        f"JENKINS_USER: deployer may not build payment/settlement-batch ({fix_build})",
    ]


def test_checking_starts_no_build(jenkins: JenkinsSimulator, tmp_path: Path) -> None:
    result = releasegate(
        "check", "--connect", env=settings(jenkins, DEMO_USER, DEMO_TOKEN), data_dir=tmp_path
    )

    assert "releasegate can see and build all 7 exposed jobs" in result.stdout
    control = SimulatorControl(jenkins.url)
    try:
        assert control.builds() == []
        assert control.queue() == []
    finally:
        control.close()
