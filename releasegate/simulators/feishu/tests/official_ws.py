"""lark-oapi's long-connection client connected to a simulator, in a process of its own
(started as ws_sdk_peer.py, which says why), and what its handlers were given."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from typing import Any

from releasegate.simulators.feishu.server import FeishuSimulator

PEER = "releasegate.simulators.feishu.tests.ws_sdk_peer"
# Starting a Python process and importing the SDK takes a second or two on a busy machine.
WAIT = 30.0


class OfficialWsClient:
    """`lark.ws.Client` for the simulator's app, running until `stop()`."""

    def __init__(self, simulator: FeishuSimulator, app_secret: str | None = None) -> None:
        settings = simulator.settings
        secret = settings.app_secret if app_secret is None else app_secret
        self.process = subprocess.Popen(
            [sys.executable, "-m", PEER, simulator.url.rstrip("/"), settings.app_id, secret],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="ws-sdk-stdout", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):  # the SDK logs to stdout too, "[Lark] ..."
                self._lines.put(json.loads(line))

    def next_line(self, timeout: float = WAIT) -> dict[str, Any]:
        """What the peer printed next: an event its handler was given ({uuid, event}), or
        {refused, msg} when the SDK gave up."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            status = self.process.poll()
            raise AssertionError(f"nothing within {timeout} s (exit status {status})") from None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)
