"""An event receiver for the simulator's tests, independent of ReleaseGate: a loopback
HTTP server that hands each push, unchanged, to the official SDK's
`EventDispatcherHandler` (decrypt, check the Verification Token, answer
`url_verification`, verify `X-Lark-Signature`) with v1 handlers for `approval_instance`
and `approval_task` and the v2 card callback `card.action.trigger` (answered with a toast
and a replacement card), and answers what the SDK answers, or HTTP 500 when told to fail."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import lark_oapi as lark
from lark_oapi.core.model import RawRequest
from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTriggerResponse


@dataclass
class EventReceiver:
    encrypt_key: str
    verification_token: str
    failing: bool = False
    # Envelopes the SDK decoded and handed to a handler, in arrival order.
    events: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    # Card clicks as the SDK parsed them (P2CardActionTrigger).
    clicks: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.handler = (
            lark.EventDispatcherHandler.builder(self.encrypt_key, self.verification_token)
            .register_p1_customized_event("approval_instance", self._keep)
            .register_p1_customized_event("approval_task", self._keep)
            .register_p2_card_action_trigger(self._answer_click)
            .build()
        )
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.receiver = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/feishu/events"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def _keep(self, data: Any) -> None:
        self.events.append(
            {"uuid": data.uuid, "token": data.token, "ts": data.ts, "event": data.event}
        )

    def _answer_click(self, data: Any) -> Any:
        self.clicks.append(data)
        done = {"header": {"title": {"tag": "plain_text", "content": "已处理"}}, "elements": []}
        return P2CardActionTriggerResponse(
            {"toast": {"type": "success", "content": "收到"}, "card": {"type": "raw", "data": done}}
        )

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        receiver: EventReceiver = self.server.receiver  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        request = RawRequest()
        request.uri = self.path
        request.headers = dict(self.headers.items())
        request.body = self.rfile.read(length)
        if receiver.failing:
            status, answer = 500, b'{"msg":"down"}'
        else:
            response = receiver.handler.do(request)
            status, answer = response.status_code, response.content
        receiver.statuses.append(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        return
