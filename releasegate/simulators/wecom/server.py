"""The simulated WeCom on a real socket: its server API (app.py), the control API and
pages (control_api.py), the JS-SDK stand-in (jssdk.py) and the callback thread
(callbacks.py)."""

from __future__ import annotations

import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Self

from releasegate.simulators.wecom.app import WeComApp
from releasegate.simulators.wecom.control_api import Control
from releasegate.simulators.wecom.settings import SimSettings
from releasegate.simulators.wecom.state import World
from releasegate.simulators.wecom.wire import Request, Response
from releasegate.simulators.wire import handler

MAX_BODY = 1024 * 1024
_HANDLER = handler(
    "nginx", MAX_BODY, lambda: Response(413, b"request body too large", "text/plain")
)
JSSDK_PATH = "/jssdk/jwxwork.js"
JSSDK = Path(__file__).with_name("jwxwork.js")


class WeComSimulator:
    """A simulated WeCom serving on `host:port` (port 0 picks a free one)."""

    def __init__(self, settings: SimSettings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.settings = settings
        self._httpd = ThreadingHTTPServer((host, port), _HANDLER)
        self._httpd.daemon_threads = True
        self._httpd.simulator = self  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self._httpd.server_port}/"
        self.world = World(settings, self.url)
        self.app = WeComApp(self.world)
        self.control = Control(self.world)
        self._thread: threading.Thread | None = None

    @property
    def robot_webhook(self) -> str:
        return f"{self.url}cgi-bin/webhook/send?key={self.settings.robot_key}"

    def start(self) -> Self:
        self.world.callbacks.start()
        # A short poll interval lets stop() return quickly (tests start one per test).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.world.callbacks.start()
        try:
            self._httpd.serve_forever()
        finally:
            self.world.callbacks.stop()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self.world.callbacks.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_sim"):
            return self.control.handle(request)
        if request.path == JSSDK_PATH:
            return Response(200, JSSDK.read_bytes(), "application/javascript; charset=utf-8")
        latency = self.world.faults.spec.latency_ms
        if latency:
            time.sleep(latency / 1000)
        return self.app.handle(request)
