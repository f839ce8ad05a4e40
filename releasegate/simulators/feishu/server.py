"""The simulated Feishu on a real socket: its Open API (app.py), the control API
(control_api.py), the event pusher's thread (pushes.py) and the long connection's
WebSocket gateway (long_connection/), on a port of its own."""

from __future__ import annotations

import threading
import time
from http.server import ThreadingHTTPServer
from typing import Self

from releasegate.simulators.feishu.app import FeishuApp
from releasegate.simulators.feishu.control_api import Control
from releasegate.simulators.feishu.settings import SimSettings
from releasegate.simulators.feishu.state import World
from releasegate.simulators.feishu.wire import Request, Response, error
from releasegate.simulators.wire import handler

MAX_BODY = 1024 * 1024
_HANDLER = handler("Tengine", MAX_BODY, lambda: error(413, 413, "request body too large"))


class FeishuSimulator:
    """A simulated Feishu serving on `host:port` (port 0 picks a free one)."""

    def __init__(self, settings: SimSettings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.settings = settings
        self._httpd = ThreadingHTTPServer((host, port), _HANDLER)
        self._httpd.daemon_threads = True
        self._httpd.simulator = self  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self._httpd.server_port}/"
        self.world = World(settings, self.url)
        self.world.long_connection.listen(host)
        self.app = FeishuApp(self.world)
        self.control = Control(self.world)
        self._thread: threading.Thread | None = None

    @property
    def bot_webhook(self) -> str:
        return f"{self.url}open-apis/bot/v2/hook/{self.settings.bot_token}"

    def start(self) -> Self:
        self.world.pusher.start()
        self.world.long_connection.start()
        # A short poll interval lets stop() return quickly (tests start one per test).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.world.pusher.start()
        self.world.long_connection.start()
        try:
            self._httpd.serve_forever()
        finally:
            self._stop_workers()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._stop_workers()

    def _stop_workers(self) -> None:
        self.world.pusher.stop()
        self.world.long_connection.stop()
        self.world.options.close()

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
