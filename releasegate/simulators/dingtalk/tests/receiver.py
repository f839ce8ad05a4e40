"""An event-push receiver for the simulator's tests, independent of ReleaseGate's own
events endpoint: a loopback HTTP server that verifies and decrypts each push with
`EventCrypto` and answers as told (the encrypted "success", an error, a plain "success",
or a reply sealed with the wrong key)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from releasegate.integrations.dingtalk.crypto import EventCrypto, SignatureError

Answer = Literal["success", "error", "plain", "wrong_key"]
OTHER_KEY = "OtherAppsEncodingAESKey0123456789abcdefghij"


@dataclass
class Received:
    query: dict[str, str]
    body: dict[str, Any]
    # The decrypted event, or None when verification failed.
    event: dict[str, Any] | None
    problem: str = ""


@dataclass
class EventReceiver:
    crypto: EventCrypto
    answer: Answer = "success"
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.receiver = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/dingtalk/events"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def events(self) -> list[dict[str, Any]]:
        return [r.event for r in self.received if r.event is not None]

    def reply(self, received: Received) -> tuple[int, bytes]:
        if self.answer == "error":
            return 500, b"oops"
        if self.answer == "plain":
            return 200, b"success"
        sealer = self.crypto
        if self.answer == "wrong_key":
            sealer = EventCrypto(self.crypto.token, OTHER_KEY, self.crypto.owner_key)
        return 200, json.dumps(sealer.reply("success")).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        receiver: EventReceiver = self.server.receiver  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        received = Received(query, body, None)
        try:
            received.event = receiver.crypto.open(
                signature=query.get("msg_signature", ""),
                timestamp=query.get("timestamp", ""),
                nonce=query.get("nonce", ""),
                encrypt=body.get("encrypt", ""),
            )
        except SignatureError as exc:
            received.problem = str(exc)
        receiver.received.append(received)
        status, answer = receiver.reply(received)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        return
