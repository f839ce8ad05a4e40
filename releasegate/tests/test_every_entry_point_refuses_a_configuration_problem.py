"""Every way ReleaseGate starts refuses to run while the configuration has a problem,
naming the setting: the three commands, and `releasegate.wsgi` as a WSGI server such as
`waitress-serve` imports it (it never ran the checks, and served with a five-character
SECRET_KEY)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.tests.cli import environment, releasegate

VALID = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "http://127.0.0.1:9/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "entry-point-test-token",
    **DEMO_DINGTALK,
}
SHORT_KEY = {**VALID, "SECRET_KEY": "abcde"}
PLACEHOLDER = {**VALID, "JENKINS_TOKEN": "replace-with-the-jenkins-api-token"}


def waitress_serve(env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`waitress-serve` on releasegate.wsgi, given 30 s to give up (it would serve
    forever if it started)."""
    command = [
        sys.executable,
        "-m",
        "waitress",
        "--listen=127.0.0.1:0",
        "releasegate.wsgi:application",
    ]
    try:
        return subprocess.run(
            command,
            env=environment(env, data_dir),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("waitress-serve started serving releasegate.wsgi despite the problem")


def test_the_wsgi_application_refuses_a_five_character_secret_key(tmp_path: Path) -> None:
    result = waitress_serve(SHORT_KEY, tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY: must be at least 32 characters" in result.stderr


def test_the_wsgi_application_refuses_a_placeholder(tmp_path: Path) -> None:
    result = waitress_serve(PLACEHOLDER, tmp_path)

    assert result.returncode != 0
    assert "JENKINS_TOKEN: still holds the example's placeholder" in result.stderr


@pytest.mark.parametrize("command", ["serve", "worker", "stream"])
def test_each_command_refuses_a_placeholder(command: str, tmp_path: Path) -> None:
    result = releasegate(
        command, env={**PLACEHOLDER, "SECRET_KEY": "replace-me" * 5}, data_dir=tmp_path
    )

    assert result.returncode == 1
    assert "SECRET_KEY: still holds the example's placeholder" in result.stdout
