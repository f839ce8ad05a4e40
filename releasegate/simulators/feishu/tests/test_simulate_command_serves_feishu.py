"""`releasegate simulate feishu`: prints where it serves and with which credentials, and
serves Feishu's API there."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from releasegate.simulators.feishu.settings import SimSettings

DEMO = SimSettings.demo()
COMMAND = [
    str(Path(sys.executable).with_name("releasegate")),
    *("simulate", "feishu", "--port", "0", "--app-id", "cli_0123456789abcdef"),
    *("--app-secret", "s3cret", "--event-url", "http://127.0.0.1:9/events"),
]


@pytest.fixture
def simulator_process() -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(COMMAND, stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(30, process.kill)  # never let a stuck start hang the suite
    watchdog.start()
    try:
        yield process
    finally:
        watchdog.cancel()
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def test_it_prints_its_url_and_credentials_and_serves(
    simulator_process: subprocess.Popen[str],
) -> None:
    assert simulator_process.stdout is not None
    lines = [simulator_process.stdout.readline().strip() for _ in range(10)]

    url = lines[0].rsplit(" at ", 1)[1]
    assert lines[0].startswith("Feishu simulator at http://127.0.0.1:")
    assert lines[1:7] == [
        "app id:             cli_0123456789abcdef",
        "app secret:         s3cret",
        f"approval code:      {DEMO.approval_code}",
        f"verification token: {DEMO.verification_token}",
        f"encrypt key:        {DEMO.encrypt_key}",
        "event url:          http://127.0.0.1:9/events",
    ]
    assert lines[9] == f"control API:        {url}_sim/"
    answer = httpx.post(
        f"{url}open-apis/auth/v3/tenant_access_token/internal",
        json={"app_id": "cli_0123456789abcdef", "app_secret": "s3cret"},
    )
    assert answer.json()["code"] == 0
