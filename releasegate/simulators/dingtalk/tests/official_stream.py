"""The official Stream SDK connected to a simulator, in a process of its own (started as
stream_sdk_peer.py, which says why), and the events its handler was given."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from typing import Any

from releasegate.simulators.dingtalk.server import DingTalkSimulator

PEER = "releasegate.simulators.dingtalk.tests.stream_sdk_peer"
# Starting a Python process and importing the SDK takes a second or two on a busy machine.
WAIT = 30.0


class OfficialStreamClient:
    """`dingtalk-stream`'s DingTalkStreamClient for the simulator's app, running until
    `stop()`."""

    def __init__(self, simulator: DingTalkSimulator, *, cards: bool = False) -> None:
        settings = simulator.settings
        environment = {**os.environ, "DINGTALK_OPENAPI_ENDPOINT": simulator.url.rstrip("/")}
        options = ["--cards"] if cards else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", PEER, settings.app_key, settings.app_secret, *options],
            stdout=subprocess.PIPE,
            env=environment,
            text=True,
        )
        self._events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="stream-sdk-stdout", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._events.put(json.loads(line))

    def next_event(self, timeout: float = WAIT) -> dict[str, Any]:
        """What the SDK's handler was given for the next event: message_id, event_type,
        event_id, event_corp_id, event_born_time (as the SDK parsed the headers) and data."""
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            status = self.process.poll()
            raise AssertionError(f"no event within {timeout} s (exit status {status})") from None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)
