"""The simulated DingTalk on a real socket: its API (app.py), the control API
(control_api.py) and the event pusher's thread (pushes.py)."""

from __future__ import annotations

import threading
import time
from http.server import ThreadingHTTPServer
from typing import Self

from releasegate.simulators.dingtalk.app import DingTalkApp
from releasegate.simulators.dingtalk.control_api import Control
from releasegate.simulators.dingtalk.settings import SimSettings
from releasegate.simulators.dingtalk.state import World
from releasegate.simulators.dingtalk.wire import Request, Response, json_response
from releasegate.simulators.wire import handler

MAX_BODY = 1024 * 1024
_HANDLER = handler(
    "Tengine",
    MAX_BODY,
    lambda: json_response({"code": "RequestTooLarge", "message": "body too large"}, 413),
)


class DingTalkSimulator:
    """A simulated DingTalk serving on `host:port` (port 0 picks a free one)."""

    def __init__(self, settings: SimSettings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.settings = settings
        self._httpd = ThreadingHTTPServer((host, port), _HANDLER)
        self._httpd.daemon_threads = True
        self._httpd.simulator = self  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self._httpd.server_port}/"
        self.world = World(settings, self.url)
        self.world.stream.listen(host)
        self.app = DingTalkApp(self.world)
        self.control = Control(self.world)
        self._thread: threading.Thread | None = None

    @property
    def robot_webhook(self) -> str:
        return f"{self.url}robot/send?access_token={self.settings.robot_token}"

    def start(self) -> Self:
        self.world.pusher.start()
        self.world.connector_node.start()
        self.world.stream.start()
        # A short poll interval lets stop() return quickly (tests start one per test).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.world.pusher.start()
        self.world.connector_node.start()
        self.world.stream.start()
        try:
            self._httpd.serve_forever()
        finally:
            self.world.pusher.stop()
            self.world.connector_node.stop()
            self.world.connector.close()
            self.world.stream.stop()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self.world.pusher.stop()
        self.world.connector_node.stop()
        self.world.connector.close()
        self.world.stream.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_sim"):
            return self.control.handle(request)
        latency = self.world.faults.spec.latency_ms
        if latency:
            time.sleep(latency / 1000)
        return self.app.handle(request)
