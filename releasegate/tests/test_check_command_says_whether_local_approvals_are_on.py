"""`releasegate check` says whether ReleaseGate's own approvals are on (first, where new
requests start) or not configured; with `--connect` it names the approvers who have no
login."""

from __future__ import annotations

from pathlib import Path

from releasegate.cli.demo import DEMO_DINGTALK, DEMO_TOKEN, DEMO_USER
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import releasegate

GROUPS = """
[[local.groups]]
project = "mall"
approvers = ["lisi", "wangwu"]
required = 2
"""


def environment(tmp_path: Path, jenkins_url: str, toml: str = "") -> dict[str, str]:
    path = tmp_path / "releasegate.toml"
    path.write_text(toml, encoding="utf-8")
    return {
        "SECRET_KEY": "k" * 50,
        "JENKINS_URL": jenkins_url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": DEMO_TOKEN,
        "RELEASEGATE_CONFIG": str(path),
    }


def test_without_groups_they_are_said_not_configured(tmp_path: Path) -> None:
    env = {**environment(tmp_path, "http://127.0.0.1:9/"), **DEMO_DINGTALK}

    result = releasegate("check", env=env, data_dir=tmp_path)

    assert result.returncode == 0, result.stdout
    assert "approvals        dingtalk (not configured: local, feishu, wecom)" in result.stdout


def test_with_groups_they_are_enabled_alone(tmp_path: Path) -> None:
    env = environment(tmp_path, "http://127.0.0.1:9/", GROUPS)

    result = releasegate("check", env=env, data_dir=tmp_path)

    assert result.returncode == 0, result.stdout
    assert "approvals        local (not configured: dingtalk, feishu, wecom)" in result.stdout


def test_a_wrong_group_is_named(tmp_path: Path) -> None:
    env = environment(tmp_path, "http://127.0.0.1:9/", GROUPS.replace("2", "3"))

    result = releasegate("check", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "local (settings incomplete)" in result.stdout
    assert "releasegate.toml: local.groups.0.required: Value error, must be between 1 and 2" in (
        result.stdout
    )


def test_connect_names_approvers_without_a_login(jenkins: JenkinsSimulator, tmp_path: Path) -> None:
    env = environment(tmp_path, jenkins.url, GROUPS)
    releasegate("migrate", env=env, data_dir=tmp_path)
    releasegate(
        "manage",
        "createsuperuser",
        "--noinput",
        "--username",
        "lisi",
        "--email",
        "l@x.cn",
        env=env,
        data_dir=tmp_path,
    )

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert result.returncode == 1
    assert "local.groups.0.approvers: wangwu is not a ReleaseGate user" in result.stdout
    assert "lisi is not" not in result.stdout
