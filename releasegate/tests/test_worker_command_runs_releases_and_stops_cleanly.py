from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from releasegate.cli.demo import DEMO_DINGTALK, DEMO_TOKEN, DEMO_USER
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import releasegate


def test_the_worker_syncs_runs_its_chores_and_stops_on_sigterm(
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
    worker = subprocess.Popen(
        [sys.executable, "-m", "releasegate", "worker"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        assert "worker running" in worker.stdout.readline()
        # Its first pass syncs the catalog (a chore), whatever DingTalk's state.
        deadline = time.monotonic() + 20
        synced = False
        while not synced and time.monotonic() < deadline:
            listed = releasegate("catalog", env=settings, data_dir=tmp_path)
            synced = "订单服务" in listed.stdout
            time.sleep(0.3)
        assert synced

        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0
    assert "worker stopped" in output
    assert "Traceback" not in output
