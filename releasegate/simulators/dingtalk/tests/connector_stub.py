"""A stand-in for ReleaseGate's connector actions, for the simulator's own tests: a
loopback HTTP server that records each call (path, headers, JSON body) and answers with
the setup guide's example answers, or with what a test scripts (an answer, an HTTP error,
text that is not JSON, a delay past the caller's timeout)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MALL = {"ids": ["mall", "payment"], "values": ["商城 (mall)", "支付中心 (payment)"]}
MALL_APPLICATIONS = {
    "ids": ["mall/order-service", "mall/web-frontend"],
    "values": ["订单服务 (mall/order-service)", "商城前端 (mall/web-frontend)"],
}
PAYMENT_APPLICATIONS = {"ids": ["payment/gateway"], "values": ["支付网关 (payment/gateway)"]}
WEB_FRONTEND_CHOICES = {
    "BRANCH": ["master", "release/2026.11"],
    "ENV": ["prod", "staging"],
    "RELEASE_TYPE": ["全量", "灰度"],
}


@dataclass
class Scripted:
    """One scripted answer: JSON `data` (or `raw` bytes) with `status`, after `delay` s."""

    data: Any = None
    status: int = 200
    raw: bytes | None = None
    delay: float = 0.0


@dataclass
class Received:
    action: str
    headers: dict[str, str]
    body: Any


@dataclass
class ConnectorStub:
    received: list[Received] = field(default_factory=list)
    scripts: dict[str, list[Scripted]] = field(default_factory=dict)
    # Called with each call before it is answered (to look at the simulator meanwhile).
    on_call: Callable[[Received], None] | None = None

    def __post_init__(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.stub = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, action: str, *answers: Scripted) -> None:
        """Answer the next calls of `action` with `answers`, in order, then as usual."""
        self.scripts.setdefault(action, []).extend(answers)

    def calls(self, action: str) -> list[Received]:
        return [call for call in self.received if call.action == action]

    def answer(self, action: str, body: Any) -> Scripted:
        queued = self.scripts.get(action)
        if queued:
            return queued.pop(0)
        return Scripted(usual_answer(action, body))


def usual_answer(action: str, body: Any) -> Any:
    """The setup guide's example answers for the demo's mall and payment projects."""
    asked = body if isinstance(body, dict) else {}
    if action == "projects":
        return _options(MALL)
    if action == "applications":
        project = asked.get("project")
        lists = {"商城 (mall)": MALL_APPLICATIONS, "支付中心 (payment)": PAYMENT_APPLICATIONS}
        found = lists.get(project or "")
        return {"project": None, **_options(found or {"ids": [], "values": []}), "message": ""}
    if action == "parameters":
        chosen = asked.get("application") == "商城前端 (mall/web-frontend)"
        choices = {
            name: _options(
                {"ids": values, "values": values} if chosen else {"ids": [], "values": []}
            )
            for name, values in WEB_FRONTEND_CHOICES.items()
        }
        return {"application": None, "parameters": [], "choices": choices, "message": ""}
    if action == "validate":
        return {"valid": True, "message": "", "problems": []}
    return {"accepted": True, "instance_id": asked.get("instance_id")}


def _options(lists: dict[str, list[str]]) -> dict[str, Any]:
    pairs = zip(lists["ids"], lists["values"], strict=True)
    return {**lists, "options": [{"id": key, "value": value} for key, value in pairs]}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        stub: ConnectorStub = self.server.stub  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        action = self.path.rsplit("/", 1)[-1]
        received = Received(action, {k.lower(): v for k, v in self.headers.items()}, body)
        stub.received.append(received)
        if stub.on_call is not None:
            stub.on_call(received)
        scripted = stub.answer(action, body)
        time.sleep(scripted.delay)
        answer = scripted.raw
        if answer is None:
            answer = json.dumps(scripted.data, ensure_ascii=False).encode()
        try:
            self.send_response(scripted.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:
            return  # the caller gave up waiting (a timeout test)

    def log_message(self, format: str, *args: Any) -> None:
        return
