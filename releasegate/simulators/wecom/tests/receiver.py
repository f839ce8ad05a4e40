"""A callback receiver for the simulator's tests, independent of ReleaseGate: a loopback
HTTP server that hands each callback, unchanged, to wechatpy's
`WeChatCrypto(token, encoding_aes_key, corp_id)`: `decrypt_message` for POSTs (checking
msg_signature over the Encrypt element) and `check_signature` for the URL verification
GET, whose plaintext it answers. Answers HTTP 500 when told to fail."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from wechatpy.enterprise.crypto import WeChatCrypto


@dataclass
class CallbackReceiver:
    token: str
    encoding_aes_key: str
    corp_id: str
    failing: bool = False
    # The decrypted XML of each callback, parsed, in arrival order; and what came over
    # the wire (<xml><ToUserName/><Encrypt/><AgentID/></xml>).
    events: list[ET.Element] = field(default_factory=list)
    envelopes: list[ET.Element] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.crypto = WeChatCrypto(self.token, self.encoding_aes_key, self.corp_id)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.receiver = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_port}/wecom/callback"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def seen(self, path: str) -> list[str]:
        """The text at `path` (e.g. "ApprovalInfo/SpStatus") of each callback."""
        return [event.findtext(path) or "" for event in self.events]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    @property
    def receiver(self) -> CallbackReceiver:
        return self.server.receiver  # type: ignore[attr-defined,no-any-return]

    def _query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def do_GET(self) -> None:
        q = self._query()
        plain = self.receiver.crypto.check_signature(
            q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"]
        )
        self._answer(500 if self.receiver.failing else 200, plain.encode())

    def do_POST(self) -> None:
        receiver = self.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if receiver.failing:
            self._answer(500, b"down")
            return
        q = self._query()
        xml = receiver.crypto.decrypt_message(body, q["msg_signature"], q["timestamp"], q["nonce"])
        # Only the simulator under test posts here, on loopback: no hostile XML.
        receiver.envelopes.append(ET.fromstring(body))  # noqa: S314
        receiver.events.append(ET.fromstring(xml))  # noqa: S314
        self._answer(200, b"")

    def _answer(self, status: int, body: bytes) -> None:
        self.receiver.statuses.append(status)
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return
