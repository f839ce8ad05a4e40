"""What every chat-platform simulator shares on the wire: requests and responses as the
simulator sees them, its clock, and the HTTP handler that turns one into the other on a
real socket. Each platform adds the shape of its own answers (its `wire.py`)."""

from __future__ import annotations

import json
import logging
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

logger = logging.getLogger("releasegate.simulators")


class Clock:
    """The simulator's time: the wall clock plus an offset the control API moves."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen: float | None = None

    def now(self) -> float:
        return (time.time() if self._frozen is None else self._frozen) + self._offset

    def freeze(self) -> None:
        """Time stands still (until advanced): a test of a rate then does not depend on
        how fast a loaded machine sends its requests."""
        self._frozen = time.time()

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> float:
        self._offset += seconds
        return self.now()


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def first(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:
        """The JSON body; raises ValueError when it is not JSON."""
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # No answer at all: the connection is reset (TCP RST), as a gateway or a network
    # between does; the caller's read fails and it cannot know what happened.
    reset: bool = False


class Handles(Protocol):
    def handle(self, request: Request) -> Response: ...


def handler(
    server_version: str, max_body: int, too_large: Callable[[], Response]
) -> type[BaseHTTPRequestHandler]:
    """An HTTP/1.1 request handler that hands each request to `server.simulator.handle`,
    answering `too_large()` for a body over `max_body` bytes, and saying it is
    `server_version` (the front server the platform shows)."""

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        sys_version = ""
        # Headers and body go out in separate writes; without TCP_NODELAY each
        # keep-alive request would wait out the peer's delayed ACK (~40 ms).
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PUT(self) -> None:
            # DingTalk updates a card with PUT /v1.0/card/instances.
            self._handle("PUT")

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("%s %s", self.address_string(), format % args)

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > max_body:
                self._send(too_large())
                return
            split = urlsplit(self.path)
            request = Request(
                method=method,
                path=split.path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers={name.lower(): value for name, value in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            simulator: Handles = self.server.simulator  # type: ignore[attr-defined]
            self._send(simulator.handle(request))

        def _send(self, response: Response) -> None:
            if response.reset:
                self._reset()
                return
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(response.body)

        def _reset(self) -> None:
            # Linger on with a zero timeout: close() then sends RST, not FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

    _Handler.server_version = server_version
    return _Handler
