"""`releasegate simulate wecom`: prints where it serves and with which credentials, and
serves WeCom's API there."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from releasegate.simulators.wecom.settings import SimSettings

DEMO = SimSettings.demo()
COMMAND = [
    str(Path(sys.executable).with_name("releasegate")),
    *("simulate", "wecom", "--port", "0", "--corp-id", "ww0123456789abcdef"),
    *("--corp-secret", "s3cret", "--callback-url", "http://127.0.0.1:9/wecom"),
    *("--picker-url", "http://127.0.0.1:9/wecom/picker"),
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
    lines = [simulator_process.stdout.readline().strip() for _ in range(13)]

    url = lines[0].rsplit(" at ", 1)[1]
    assert lines[0].startswith("WeCom simulator at http://127.0.0.1:")
    assert lines[1:9] == [
        "corp id:        ww0123456789abcdef",
        "corp secret:    s3cret",
        f"agent id:       {DEMO.agent_id}",
        f"template id:    {DEMO.template_id}",
        f"callback token: {DEMO.callback_token}",
        f"aes key:        {DEMO.encoding_aes_key}",
        "callback url:   http://127.0.0.1:9/wecom",
        "picker url:     http://127.0.0.1:9/wecom/picker",
    ]
    assert lines[10] == f"js-sdk:         {url}jssdk/jwxwork.js"
    assert lines[12] == f"control API:    {url}_sim/"
    answer = httpx.get(
        f"{url}cgi-bin/gettoken", params={"corpid": "ww0123456789abcdef", "corpsecret": "s3cret"}
    )
    assert answer.json()["errcode"] == 0
    script = httpx.get(f"{url}jssdk/jwxwork.js")
    assert "agentConfig" in script.text
