"""`releasegate check --connect` names the Jenkins setting to change: the credentials
when Jenkins refuses them, JENKINS_URL when nothing answers there or what answers is not
Jenkins' root (a missing context path)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import releasegate


def check(data_dir: Path, url: str, *, token: str = DEMO_TOKEN, **more: str) -> list[str]:
    """The problem lines of `check --connect`, after asserting it exits 1."""
    env = {
        "SECRET_KEY": "k" * 50,
        "JENKINS_URL": url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": token,
        **more,
    }
    result = releasegate("check", "--connect", env=env, data_dir=data_dir)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    return [line[2:] for line in result.stdout.splitlines() if line.startswith("✗ ")]


def jenkins_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("JENKINS_")]


def test_a_wrong_token_names_the_user_and_token_not_the_url(
    jenkins: JenkinsSimulator, tmp_path: Path
) -> None:
    lines = check(tmp_path, jenkins.url, token="wrong-token-value")

    [line] = jenkins_lines(lines)
    assert line.startswith("JENKINS_USER/JENKINS_TOKEN: Jenkins refused the credentials")
    assert "wrong-token-value" not in line


def test_a_wrong_password_names_the_password(jenkins: JenkinsSimulator, tmp_path: Path) -> None:
    lines = check(tmp_path, jenkins.url, token="", JENKINS_PASSWORD="wrong-password")

    [line] = jenkins_lines(lines)
    assert line.startswith("JENKINS_USER/JENKINS_PASSWORD: Jenkins refused the credentials")


def test_an_unreachable_host_names_the_url(tmp_path: Path) -> None:
    lines = check(tmp_path, "http://127.0.0.1:9/")

    [line] = jenkins_lines(lines)
    assert line.startswith("JENKINS_URL: cannot reach http://127.0.0.1:9/: ")


def test_a_missing_context_path_says_so(
    start_jenkins: Callable[..., JenkinsSimulator], tmp_path: Path
) -> None:
    jenkins = start_jenkins(prefix="/jenkins")
    server_root = jenkins.url.removesuffix("jenkins/")

    lines = check(tmp_path, server_root)

    [line] = jenkins_lines(lines)
    assert line == (
        f"JENKINS_URL: {server_root} answers (HTTP 404 without Jenkins' X-Jenkins header) "
        "but is not Jenkins' root; is the context path (e.g. /jenkins) missing?"
    )


def test_with_the_context_path_jenkins_passes(
    start_jenkins: Callable[..., JenkinsSimulator], tmp_path: Path
) -> None:
    jenkins = start_jenkins(prefix="/jenkins")
    env = {"SECRET_KEY": "k" * 50, "JENKINS_URL": jenkins.url, "JENKINS_USER": DEMO_USER}
    env["JENKINS_TOKEN"] = DEMO_TOKEN

    result = releasegate("check", "--connect", env=env, data_dir=tmp_path)

    assert "Jenkins          reachable, version 2.579" in result.stdout
    assert "releasegate can see and build all 7 exposed jobs" in result.stdout
    assert "✗ JENKINS_" not in result.stdout
