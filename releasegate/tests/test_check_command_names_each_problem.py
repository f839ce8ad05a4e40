from __future__ import annotations

from pathlib import Path

from releasegate.cli.demo import DEMO_DINGTALK, DEMO_TOKEN, DEMO_USER
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import releasegate

SECRET = {"SECRET_KEY": "k" * 50, **DEMO_DINGTALK}


def test_it_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    result = releasegate("check", env={"JENKINS_URL": "ftp://nowhere"}, data_dir=tmp_path)

    assert result.returncode == 1
    for setting in ("SECRET_KEY", "JENKINS_URL", "JENKINS_USER", "JENKINS_TOKEN"):
        assert f"{setting}:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_valid_configuration_passes(tmp_path: Path) -> None:
    env = {
        **SECRET,
        "JENKINS_URL": "http://127.0.0.1:9/",
        "JENKINS_USER": "u",
        "JENKINS_TOKEN": "t0k3n-value",
    }

    result = releasegate("check", env=env, data_dir=tmp_path)

    assert result.returncode == 0, result.stdout
    assert "configuration is valid" in result.stdout
    assert "t0k3n-value" not in result.stdout


def test_connect_reaches_jenkins_and_reports_its_version(
    jenkins: JenkinsSimulator, dingtalk: DingTalkSimulator, tmp_path: Path
) -> None:
    env = {
        **SECRET,
        "DINGTALK_API_BASE": dingtalk.url,
        "DINGTALK_OAPI_BASE": dingtalk.url,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": DEMO_TOKEN,
    }
    releasegate("migrate", env=env, data_dir=tmp_path)

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 0, result.stdout
    assert "version 2.579" in result.stdout
    assert "dingtalk         reachable, credentials accepted" in result.stdout


def test_connect_names_a_platform_that_refuses_the_app(
    jenkins: JenkinsSimulator, dingtalk: DingTalkSimulator, tmp_path: Path
) -> None:
    env = {
        **SECRET,
        "DINGTALK_APP_SECRET": "not-the-app-secret",
        "DINGTALK_API_BASE": dingtalk.url,
        "DINGTALK_OAPI_BASE": dingtalk.url,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": DEMO_TOKEN,
    }
    releasegate("migrate", env=env, data_dir=tmp_path)

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "DINGTALK_APP_SECRET: dingtalk refused the app's credentials" in result.stdout
    assert "not-the-app-secret" not in result.stdout


def test_connect_names_refused_credentials_and_missing_migrations(
    jenkins: JenkinsSimulator, dingtalk: DingTalkSimulator, tmp_path: Path
) -> None:
    env = {
        **SECRET,
        "DINGTALK_API_BASE": dingtalk.url,
        "DINGTALK_OAPI_BASE": dingtalk.url,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": "wrong-token-value",
    }

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "JENKINS_USER/JENKINS_TOKEN: Jenkins refused the credentials" in result.stdout
    assert "releasegate migrate" in result.stdout
    assert "wrong-token-value" not in result.stdout


JENKINS = {"JENKINS_URL": "http://127.0.0.1:9/", "JENKINS_USER": "u", "JENKINS_TOKEN": "t0k3n"}


def test_it_says_which_approval_platforms_are_enabled(tmp_path: Path) -> None:
    result = releasegate("check", env={**SECRET, **JENKINS}, data_dir=tmp_path)

    assert result.returncode == 0, result.stdout
    assert "approvals        dingtalk" in result.stdout


def test_without_any_approval_platform_it_says_so(tmp_path: Path) -> None:
    env = {"SECRET_KEY": "k" * 50, **JENKINS}

    result = releasegate("check", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "approvals        none (not configured: local, dingtalk, feishu, wecom)" in result.stdout
    assert "approvals: no approval platform is configured" in result.stdout
    assert "DINGTALK_APP_KEY:" not in result.stdout


def test_a_platform_whose_settings_are_incomplete_is_named_with_what_is_missing(
    tmp_path: Path,
) -> None:
    env = {"SECRET_KEY": "k" * 50, **JENKINS, "DINGTALK_APP_KEY": "dingappkey"}

    result = releasegate("check", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "dingtalk (settings incomplete)" in result.stdout
    assert "DINGTALK_APP_SECRET: not set" in result.stdout
    assert "no approval platform is configured" not in result.stdout
