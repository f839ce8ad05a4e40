from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from releasegate.cli.demo import DEMO_DINGTALK, DEMO_TOKEN, DEMO_USER
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import releasegate
from releasegate.tests.waiting import eventually

TOKEN = "worker-metrics-token-0123456789"


@pytest.fixture
def worker_settings(jenkins: JenkinsSimulator, tmp_path: Path) -> dict[str, str]:
    settings = {
        "SECRET_KEY": "k" * 50,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": DEMO_TOKEN,
        **DEMO_DINGTALK,
        # Nobody answers there: the reconcile chore fails, and says so in the log.
        "DINGTALK_API_BASE": "http://127.0.0.1:9",
        "DINGTALK_OAPI_BASE": "http://127.0.0.1:9",
        "LOG_FORMAT": "json",
        "METRICS_TOKEN": TOKEN,
    }
    assert releasegate("migrate", env=settings, data_dir=tmp_path).returncode == 0
    return settings


@pytest.fixture
def worker(worker_settings: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DINGTALK_", "JENKINS_"))},
        **worker_settings,
        "RELEASEGATE_DATA_DIR": str(tmp_path),
    }
    environment.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "releasegate", "worker", "--metrics-port", "0"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.communicate()


def metrics_url(worker: subprocess.Popen[str]) -> str:
    assert worker.stdout is not None
    line = worker.stdout.readline()
    found = re.search(r"metrics on (http://\S+)", line)
    assert found, line
    assert "worker running" in worker.stdout.readline()
    return found.group(1)


def scrape_after_jenkins_calls(url: str) -> httpx.Response | None:
    scraped = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    counted = re.search(r'releasegate_outbound_requests_total\{.*service="jenkins"', scraped.text)
    return scraped if counted else None


def test_the_worker_answers_scrapes_with_the_token_and_logs_json(
    worker: subprocess.Popen[str],
) -> None:
    url = metrics_url(worker)

    refused = httpx.get(url, timeout=5)
    # Once the worker's first pass has called Jenkins (the catalog sync), it counts that.
    scraped = eventually(lambda: scrape_after_jenkins_calls(url), timeout=20)
    worker.send_signal(signal.SIGTERM)
    stdout, stderr = worker.communicate(timeout=20)

    assert refused.status_code == 401
    assert scraped is not None and scraped.status_code == 200
    assert 'releasegate_releases{state="RECEIVED"} 0.0' in scraped.text
    assert "releasegate_database_up 1.0" in scraped.text
    assert worker.returncode == 0
    assert "worker stopped" in stdout
    records = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert records, "the failing reconcile chore is logged"
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert TOKEN not in stdout + stderr


def test_a_port_that_is_not_one_is_refused_by_name(tmp_path: Path) -> None:
    result = releasegate("worker", "--metrics-port", "70000", env={}, data_dir=tmp_path)

    assert result.returncode == 2
    assert "--metrics-port" in result.stderr
    assert "Traceback" not in result.stderr
