"""`releasegate simulate dingtalk`: prints where it serves and with which credentials, and
serves both DingTalk hosts' APIs from that one address."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from releasegate.simulators.dingtalk.settings import SimSettings
from releasegate.simulators.process import SimulatorProcess

DEMO = SimSettings.demo()

COMMAND = [
    str(Path(sys.executable).with_name("releasegate")),
    *("simulate", "dingtalk", "--port", "0", "--app-key", "dingk", "--app-secret", "s3cret"),
    *("--event-url", "http://127.0.0.1:9/events"),
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
    assert lines[0].startswith("DingTalk simulator at http://127.0.0.1:")
    assert lines[1:8] == [
        "app key:      dingk",
        "app secret:   s3cret",
        f"agent id:     {DEMO.agent_id}",
        f"process code: {DEMO.process_code}",
        f"event token:  {DEMO.event_token}",
        f"aes key:      {DEMO.aes_key}",
        "event url:    http://127.0.0.1:9/events",
    ]
    assert lines[8].startswith(f"robot:        {url}robot/send?access_token=")
    assert lines[9] == f"control API:  {url}_sim/"
    token = httpx.post(
        f"{url}v1.0/oauth2/accessToken", json={"appKey": "dingk", "appSecret": "s3cret"}
    ).json()["accessToken"]
    old_api = httpx.get(
        f"{url}call_back/get_call_back_failed_result", params={"access_token": token}
    )
    assert old_api.json()["errcode"] == 0


def test_it_refuses_an_unusable_aes_key() -> None:
    command = [*COMMAND[:3], "--aes-key", "too-short"]

    finished = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)

    assert finished.returncode == 2
    assert "--aes-key must be 43 letters and digits" in finished.stderr


def test_it_runs_in_a_process_of_its_own_for_the_demo() -> None:
    with SimulatorProcess("dingtalk") as simulator:
        answer = httpx.post(
            f"{simulator.url}v1.0/oauth2/accessToken",
            json={
                "appKey": DEMO.app_key,
                "appSecret": DEMO.app_secret,
            },
        )

    assert answer.status_code == 200
    assert simulator.process.returncode is not None
