"""`releasegate simulate jenkins`: prints where it serves and with which credentials."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

COMMAND = [
    str(Path(sys.executable).with_name("releasegate")),
    *("simulate", "jenkins", "--port", "0", "--scenario", "demo"),
    *("--user", "u", "--token", "t"),
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
    lines = [simulator_process.stdout.readline().strip() for _ in range(4)]

    url = lines[0].rsplit(" at ", 1)[1]
    assert lines[0].startswith("Jenkins simulator (scenario demo) at http://127.0.0.1:")
    assert lines[1:] == ["user:        u", "token:       t", f"control API: {url}_sim/"]
    answer = httpx.get(f"{url}api/json", params={"tree": "jobs[name]"}, auth=("u", "t"))
    assert answer.status_code == 200
    assert [job["name"] for job in answer.json()["jobs"]] == ["mall", "payment", "ops"]
    assert httpx.get(f"{url}api/json", auth=("releasegate", "t")).status_code == 401
