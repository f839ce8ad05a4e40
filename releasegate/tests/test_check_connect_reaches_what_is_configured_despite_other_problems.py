"""`releasegate check --connect` connects to every service whose own settings are right,
even while other settings are missing, and lists every problem in one run: the README's
"against your Jenkins" block, with no approval platform yet, still checks Jenkins."""

from __future__ import annotations

from pathlib import Path

from releasegate.cli.demo import DEMO_DINGTALK, DEMO_TOKEN, DEMO_USER
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import releasegate


def problems(stdout: str) -> list[str]:
    return [line[2:] for line in stdout.splitlines() if line.startswith("✗ ")]


def test_jenkins_is_checked_without_any_approval_platform(
    jenkins: JenkinsSimulator, tmp_path: Path
) -> None:
    env = {"JENKINS_URL": jenkins.url, "JENKINS_USER": DEMO_USER, "JENKINS_TOKEN": "wrong"}

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    settings = [line.split(":", 1)[0] for line in problems(result.stdout)]
    assert settings == [
        "SECRET_KEY",
        "approvals",
        "DATABASE_URL",
        "JENKINS_USER/JENKINS_TOKEN",
    ]


def test_a_working_jenkins_is_reported_beside_the_missing_settings(
    jenkins: JenkinsSimulator, tmp_path: Path
) -> None:
    env = {"JENKINS_URL": jenkins.url, "JENKINS_USER": DEMO_USER, "JENKINS_TOKEN": DEMO_TOKEN}

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "Jenkins          reachable, version 2.579" in result.stdout
    assert "releasegate can see and build all 7 exposed jobs" in result.stdout
    assert not [line for line in problems(result.stdout) if line.startswith("JENKINS_")]


def test_dingtalk_is_checked_while_jenkins_settings_are_missing(
    dingtalk: DingTalkSimulator, tmp_path: Path
) -> None:
    env = {
        "SECRET_KEY": "k" * 50,
        **DEMO_DINGTALK,
        "DINGTALK_API_BASE": dingtalk.url,
        "DINGTALK_OAPI_BASE": dingtalk.url,
        "DINGTALK_APP_SECRET": "not-the-app-secret",
    }

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    lines = problems(result.stdout)
    assert "JENKINS_URL: not set (e.g. https://jenkins.example.com/)" in lines
    assert [line for line in lines if line.startswith("DINGTALK_APP_SECRET: dingtalk refused")]
