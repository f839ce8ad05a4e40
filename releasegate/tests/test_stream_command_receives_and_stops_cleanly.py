from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.cli import releasegate
from releasegate.tests.waiting import eventually

SETTINGS = {"SECRET_KEY": "k" * 50, **DEMO_DINGTALK}


def test_stream_stores_what_arrives_then_stops_on_sigterm(
    tmp_path: Path, start_dingtalk: Callable[..., DingTalkSimulator]
) -> None:
    simulator = start_dingtalk(http_push=False, stream_ping_interval=None)
    control = DingTalkControl(simulator.url)
    settings = {**SETTINGS, "DINGTALK_API_BASE": simulator.url, "DINGTALK_OAPI_BASE": simulator.url}
    assert releasegate("migrate", env=settings, data_dir=tmp_path).returncode == 0
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DINGTALK_", "JENKINS_"))},
        **settings,
        "RELEASEGATE_DATA_DIR": str(tmp_path),
    }
    environment.pop("DATABASE_URL", None)
    receiver = subprocess.Popen(
        [sys.executable, "-m", "releasegate", "stream", "--silence", "30"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        eventually(control.stream.open_connections, timeout=30)
        control.submit("zhangsan", {"项目名称": "mall", "应用名称": "order-service"})
        eventually(lambda: {d["state"] for d in control.stream.deliveries()} == {"acked"})
        deliveries = control.stream.deliveries()

        receiver.send_signal(signal.SIGTERM)
        output, _ = receiver.communicate(timeout=20)
    finally:
        if receiver.poll() is None:
            receiver.kill()
        control.close()
    assert receiver.returncode == 0, output
    assert "receiving DingTalk events over Stream mode" in output
    assert "ReleaseGate stream stopped" in output
    assert "Traceback" not in output
    assert DEMO_DINGTALK["DINGTALK_APP_SECRET"] not in output
    with sqlite3.connect(tmp_path / "releasegate.sqlite3") as database:
        stored = database.execute("SELECT via, delivery_id FROM releases_inboundevent").fetchall()
    assert sorted(stored) == sorted(("stream", d["event_id"]) for d in deliveries)


def test_stream_refuses_to_start_with_configuration_problems(tmp_path: Path) -> None:
    result = releasegate("stream", env={}, data_dir=tmp_path)

    assert result.returncode == 1
    assert "DINGTALK_APP_KEY:" in result.stdout


def test_stream_needs_the_migrations_applied(tmp_path: Path) -> None:
    result = releasegate("stream", env=SETTINGS, data_dir=tmp_path)

    assert result.returncode == 1
    assert "migration(s): run `releasegate migrate`" in result.stdout


def test_stream_says_no_to_a_silence_that_is_not_positive(tmp_path: Path) -> None:
    result = releasegate("stream", "--silence", "0", env=SETTINGS, data_dir=tmp_path)

    assert result.returncode == 2
    assert "must be positive" in result.stdout


def test_stream_ends_with_a_clear_error_when_dingtalk_refuses_the_app(
    tmp_path: Path, start_dingtalk: Callable[..., DingTalkSimulator]
) -> None:
    simulator = start_dingtalk()
    settings = {
        **SETTINGS,
        "DINGTALK_APP_SECRET": "a-secret-dingtalk-does-not-know",
        "DINGTALK_API_BASE": simulator.url,
        "DINGTALK_OAPI_BASE": simulator.url,
    }
    assert releasegate("migrate", env=settings, data_dir=tmp_path).returncode == 0

    result = releasegate("stream", env=settings, data_dir=tmp_path)

    assert result.returncode == 1
    assert "DingTalk refused the app key or app secret" in result.stdout
    assert "a-secret-dingtalk-does-not-know" not in result.stdout + result.stderr
