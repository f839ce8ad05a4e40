from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk.tests.streaming import RunningStream, acked, connected
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_log_line_carries_the_app_key_the_secret_or_a_ticket(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    running = run_stream(stream_dingtalk)
    connected(stream_sim)
    stream_sim.submit("zhangsan", {"项目名称": "mall", "应用名称": "order-service"})
    acked(stream_sim, 2)
    stream_sim.stream.drop()
    eventually(lambda: len(stream_sim.stream.connections()) == 2)
    connected(stream_sim)
    running.stop()

    # ReleaseGate's lines (the simulator, DingTalk's side, logs what it likes).
    logged = "\n".join(
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith("releasegate.simulators")
    )
    tickets = [c["ticket"] for c in stream_sim.stream.connections()]
    assert len(tickets) == 2
    assert "Stream connected" in logged
    assert "GET /connect?ticket=***" in logged  # the websockets library's own line, masked
    settings = stream_dingtalk.settings
    for secret in (settings.app_key, settings.app_secret, *tickets):
        assert secret not in logged
