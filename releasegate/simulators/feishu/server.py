"""The simulated Feishu on a real socket: its Open API (app.py), the control API
(control_api.py), the event pusher's thread (pushes.py) and the long connection's
WebSocket gateway (long_connection/), on a port of its own."""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from releasegate.simulators.feishu.app import FeishuApp
from releasegate.simulators.feishu.control_api import Control
from releasegate.simulators.feishu.settings import SimSettings
from releasegate.simulators.feishu.state import World
from releasegate.simulators.feishu.wire import Request, Response, error

logger = logging.getLogger("releasegate.simulators.feishu")
MAX_BODY = 1024 * 1024


class FeishuSimulator:
    """A simulated Feishu serving on `host:port` (port 0 picks a free one)."""

    def __init__(self, settings: SimSettings, host: str = "127.0.0.1", port: int = 0) -> None:
        self.settings = settings
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Tengine"
    sys_version = ""
    # Headers and body go out in separate writes; without TCP_NODELAY each keep-alive
    # request would wait out the peer's delayed ACK (~40 ms).
    disable_nagle_algorithm = True

    @property
    def simulator(self) -> FeishuSimulator:
        return self.server.simulator  # type: ignore[attr-defined,no-any-return]

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(error(413, 413, "request body too large"))
            return
        split = urlsplit(self.path)
        request = Request(
            method=method,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        self._send(self.simulator.handle(request))

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)
