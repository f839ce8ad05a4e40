"""Fixtures for the Stream client's tests: a DingTalk that delivers over Stream only, and
clients running against it in threads, stopped after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from releasegate.integrations.dingtalk.tests.streaming import RunningStream, stream_client
from releasegate.observability.tests.json_logs import json_lines  # noqa: F401
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator


@pytest.fixture
def stream_dingtalk(start_dingtalk: Callable[..., DingTalkSimulator]) -> DingTalkSimulator:
    """The demo DingTalk in Stream mode (no HTTP push), pinging only when told to."""
    return start_dingtalk(http_push=False, stream_ping_interval=None)


@pytest.fixture
def stream_sim(stream_dingtalk: DingTalkSimulator) -> Iterator[DingTalkControl]:
    control = DingTalkControl(stream_dingtalk.url)
    yield control
    control.close()


@pytest.fixture
def run_stream() -> Iterator[Callable[..., RunningStream]]:
    """`run_stream(simulator, **options)`: ReleaseGate's Stream client receiving from the
    simulator in a thread (see `streaming.stream_client` for the options)."""
    running: list[RunningStream] = []

    def start(simulator: DingTalkSimulator, **options: Any) -> RunningStream:
        running.append(RunningStream(stream_client(simulator, **options)))
        return running[-1]

    yield start
    for stream in running:
        stream.stop()


@pytest.fixture(autouse=True)
def fresh_refusal_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no connector refusal logged yet (the throttle is per
    process, and every test calls from 127.0.0.1)."""
    from releasegate.integrations.dingtalk import connector
    from releasegate.lib.log_throttle import WarningThrottle

    monkeypatch.setattr(connector, "REFUSALS", WarningThrottle(60))
