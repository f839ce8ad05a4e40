from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.integrations.dingtalk.crypto import EventCrypto
from releasegate.tests.cli import releasegate

SETTINGS = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "http://127.0.0.1:9/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "serve-test-token",
    **DEMO_DINGTALK,
}


def test_serve_answers_the_web_and_event_endpoints_then_stops_on_sigterm(tmp_path: Path) -> None:
    assert releasegate("migrate", env=SETTINGS, data_dir=tmp_path).returncode == 0
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DINGTALK_", "JENKINS_"))},
        **SETTINGS,
        "RELEASEGATE_DATA_DIR": str(tmp_path),
    }
    environment.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "releasegate", "serve", "--port", "0"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        url = re.search(r"(http://\S+/)", banner)
        assert url, banner
        base = url.group(1)

        assert httpx.get(base + "admin/login/").status_code == 200
        crypto = EventCrypto(
            SETTINGS["DINGTALK_EVENT_TOKEN"],
            SETTINGS["DINGTALK_EVENT_AES_KEY"],
            SETTINGS["DINGTALK_APP_KEY"],
        )
        encrypt = crypto.encrypt(json.dumps({"EventType": "check_url"}))
        timestamp = str(int(time.time() * 1000))
        signature = crypto.signature(timestamp, "n0nce", encrypt)
        reply = httpx.post(
            f"{base}dingtalk/events?msg_signature={signature}&timestamp={timestamp}&nonce=n0nce",
            json={"encrypt": encrypt},
        )
        assert reply.status_code == 200
        assert crypto.decrypt(reply.json()["encrypt"]) == "success"

        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0
    assert "ReleaseGate stopped" in output
    assert "Traceback" not in output


def test_serve_refuses_to_start_with_configuration_problems(tmp_path: Path) -> None:
    result = releasegate("serve", "--port", "0", env={}, data_dir=tmp_path)

    assert result.returncode == 1
    assert "SECRET_KEY:" in result.stdout
    assert "JENKINS_URL:" in result.stdout
    # No approval platform's settings are required: DingTalk is off when none is given.
    assert "DINGTALK_" not in result.stdout
