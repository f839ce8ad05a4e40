"""With only WeCom and Jenkins configured, `releasegate check --connect` reaches both and
gets an access token with the app's credentials, naming the setting when WeCom refuses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.cli.demo_wecom import DEMO_WECOM
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.tests.cli import releasegate


def settings(jenkins: JenkinsSimulator, wecom: WeComSimulator, **changes: str) -> dict[str, str]:
    return {
        "SECRET_KEY": "k" * 50,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": DEMO_TOKEN,
        **DEMO_WECOM,
        "WECOM_API_BASE": wecom.url,
        **changes,
    }


def test_it_connects_to_wecom_and_jenkins(
    jenkins: JenkinsSimulator, start_wecom: Callable[..., WeComSimulator], tmp_path: Path
) -> None:
    env = settings(jenkins, start_wecom())
    releasegate("migrate", env=env, data_dir=tmp_path)

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 0, result.stdout
    assert "approvals        wecom" in result.stdout
    assert "wecom            reachable, credentials accepted" in result.stdout


def test_a_refused_secret_is_named(
    jenkins: JenkinsSimulator, start_wecom: Callable[..., WeComSimulator], tmp_path: Path
) -> None:
    env = settings(jenkins, start_wecom(), WECOM_CORP_SECRET="not-the-secret")
    releasegate("migrate", env=env, data_dir=tmp_path)

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "WECOM_CORP_SECRET: wecom refused the app's credentials" in result.stdout
    assert "not-the-secret" not in result.stdout
