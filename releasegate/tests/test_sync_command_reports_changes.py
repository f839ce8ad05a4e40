from __future__ import annotations

from pathlib import Path

from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import releasegate


def test_sync_asks_for_migrations_then_syncs_and_prints_the_catalog(
    jenkins: JenkinsSimulator, tmp_path: Path
) -> None:
    env = {
        "SECRET_KEY": "k" * 50,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": DEMO_TOKEN,
    }

    unmigrated = releasegate("sync", env=env, data_dir=tmp_path)
    assert unmigrated.returncode == 1
    assert "releasegate migrate" in unmigrated.stdout

    assert releasegate("migrate", env=env, data_dir=tmp_path).returncode == 0
    synced = releasegate("sync", env=env, data_dir=tmp_path)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert "synced 8 jobs" in synced.stdout
    assert "8 added" in synced.stdout

    again = releasegate("sync", env=env, data_dir=tmp_path)
    assert "0 added, 0 changed, 0 removed" in again.stdout

    catalog = releasegate("catalog", env=env, data_dir=tmp_path)
    assert catalog.returncode == 0
    assert "订单服务" in catalog.stdout
    assert "旧版后台" not in catalog.stdout  # disabled in Jenkins
    assert "7 application(s) in 3 project(s)" in catalog.stdout


def test_sync_refuses_to_run_with_configuration_problems(tmp_path: Path) -> None:
    result = releasegate("sync", env={}, data_dir=tmp_path)

    assert result.returncode == 1
    assert "JENKINS_URL:" in result.stdout
