"""`releasegate serve --no-worker` answers the web and leaves every release, chore and
message to `releasegate worker` processes (the production layout): it says so and never
calls Jenkins itself, where `serve` alone syncs the catalog on its worker's first pass."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from releasegate.cli.demo import DEMO_DINGTALK, DEMO_TOKEN, DEMO_USER
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import releasegate


def test_serve_without_a_worker_answers_but_never_calls_jenkins(
    jenkins: JenkinsSimulator, tmp_path: Path
) -> None:
    settings = {
        "SECRET_KEY": "k" * 50,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": DEMO_TOKEN,
        **DEMO_DINGTALK,
        "DINGTALK_API_BASE": "http://127.0.0.1:9",
        "DINGTALK_OAPI_BASE": "http://127.0.0.1:9",
    }
    assert releasegate("migrate", env=settings, data_dir=tmp_path).returncode == 0
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DINGTALK_", "JENKINS_"))},
        **settings,
        "RELEASEGATE_DATA_DIR": str(tmp_path),
    }
    environment.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "releasegate", "serve", "--port", "0", "--no-worker"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        assert "no worker here" in banner
        base = banner.split("serving on ")[1].split()[0]
        assert httpx.get(base + "admin/login/").status_code == 200
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0
    assert "Traceback" not in output
    control = SimulatorControl(jenkins.url)
    assert control.requests()["total"] == 0
    control.close()
