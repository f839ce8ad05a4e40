"""What stands in the way is said in one line at start: `serve` on a port that is taken
(no traceback), and a worker whose Jenkins refuses ReleaseGate's credentials logs it at
once instead of saying only that it runs."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import environment, releasegate

SETTINGS = {"SECRET_KEY": "k" * 50}


def test_serve_on_a_taken_port_says_so_in_one_line(tmp_path: Path) -> None:
    env = {
        **SETTINGS,
        "JENKINS_URL": "http://127.0.0.1:9/",
        "JENKINS_USER": "u",
        "JENKINS_TOKEN": "t0k3n",
    }
    assert releasegate("migrate", env=env, data_dir=tmp_path).returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = releasegate(
            "serve", "--port", str(port), "--no-worker", env=env, data_dir=tmp_path
        )

    assert result.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_worker_says_at_once_that_jenkins_refuses_its_credentials(
    jenkins: JenkinsSimulator, tmp_path: Path
) -> None:
    env = {
        **SETTINGS,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": "not-" + DEMO_TOKEN,
    }
    assert releasegate("migrate", env=env, data_dir=tmp_path).returncode == 0
    worker = subprocess.Popen(
        [sys.executable, "-m", "releasegate", "worker"],
        env={**environment(env, tmp_path), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("at start-up" in line for line in lines):
            lines.append(worker.stdout.readline())
    finally:
        worker.send_signal(signal.SIGTERM)
        rest, _ = worker.communicate(timeout=20)
    output = "".join(lines) + rest
    assert "Jenkins refused ReleaseGate's credentials at start-up" in output
    assert "not-" + DEMO_TOKEN not in output
