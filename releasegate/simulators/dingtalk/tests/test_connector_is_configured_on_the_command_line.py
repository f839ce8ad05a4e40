"""`releasegate simulate dingtalk --connector-url … --connector-auth … --connector-node …`
configures the connector the form and the node call, and says so when it starts."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from releasegate.simulators.dingtalk.control import DingTalkControl

COMMAND = [
    str(Path(sys.executable).with_name("releasegate")),
    *("simulate", "dingtalk", "--port", "0", "--connector-url", "http://127.0.0.1:9"),
    *("--connector-auth", "basic", "--connector-secret", "dingtalk:secret"),
    *("--connector-node", "sync", "--connector-timeout", "1.5"),
]


def test_the_connector_options_reach_the_simulator() -> None:
    process = subprocess.Popen(COMMAND, stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(30, process.kill)  # never let a stuck start hang the suite
    watchdog.start()
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().rsplit(" at ", 1)[1]
        printed = next(line.strip() for line in process.stdout if line.startswith("  connector:"))
        control = DingTalkControl(url)
        configured = control.connector()
        control.close()
    finally:
        watchdog.cancel()
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()

    assert configured == {
        "url": "http://127.0.0.1:9",
        "auth": "basic",
        "secret_set": True,
        "node": "sync",
        "timeout": 1.5,
    }
    assert printed == "connector:    http://127.0.0.1:9 (basic, node sync, timeout 1.5 s)"
