"""With only Feishu and Jenkins configured, `releasegate check --connect` reaches both and
gets a tenant token with the app's credentials, naming the setting when Feishu refuses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.cli.demo_feishu import DEMO_FEISHU
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import releasegate


def settings(jenkins: JenkinsSimulator, feishu: FeishuSimulator, **changes: str) -> dict[str, str]:
    return {
        "SECRET_KEY": "k" * 50,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": DEMO_TOKEN,
        **DEMO_FEISHU,
        "FEISHU_API_BASE": feishu.url,
        **changes,
    }


def test_it_connects_to_feishu_and_jenkins(
    jenkins: JenkinsSimulator, start_feishu: Callable[..., FeishuSimulator], tmp_path: Path
) -> None:
    env = settings(jenkins, start_feishu())
    releasegate("migrate", env=env, data_dir=tmp_path)

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 0, result.stdout
    assert "approvals        feishu" in result.stdout
    assert "feishu           reachable, credentials accepted" in result.stdout


def test_a_refused_app_secret_is_named(
    jenkins: JenkinsSimulator, start_feishu: Callable[..., FeishuSimulator], tmp_path: Path
) -> None:
    env = settings(jenkins, start_feishu(), FEISHU_APP_SECRET="not-the-secret")
    releasegate("migrate", env=env, data_dir=tmp_path)

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "FEISHU_APP_SECRET: feishu refused the app's credentials" in result.stdout
    assert "not-the-secret" not in result.stdout
