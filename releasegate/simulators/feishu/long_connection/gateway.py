"""Long-connection mode's gateway (reference section A3): the WebSocket server a client
reaches with the URL `POST /callback/ws/endpoint` gave it (api.py), on a loopback port of
its own.

A client pings with CONTROL frames and is answered `pong` with its ClientConfig; each
event goes out as DATA frames (frames.py) to ONE open connection picked at random
("cluster mode": with several clients only one gets each event) and waits for the ACK,
the frame echoed with payload `{"code": 200}`; deliveries.py decides when it is sent
again. A card callback (a person clicked a card, card_control.py) goes out as one DATA
frame of type `card` and waits, up to Feishu's 3 s, for the ACK whose `data` carries the
app's answer; it is never sent again.

An endpoint URL opens one connection (its `ticket` is single-use: lark-oapi and
ReleaseGate ask for a new URL each time they connect; whether Feishu's can be reused is
UNCONFIRMED). A refused handshake carries lark-oapi's `handshake-status`,
`handshake-msg` and `handshake-autherrcode` headers: 514 + 1000040350 when the app
already has `ws_connection_limit` (50) connections. The HTTP status of a refusal is not
documented; 403 here.

Threads: the WebSocket server's (one per connection, reading pings and ACKs) and one
dispatcher (a DeliveryLoop) that sends what falls due. State is behind the dispatcher's
condition; sockets are written outside it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import secrets
import socket
import threading
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request as WsRequest
from websockets.http11 import Response as WsResponse
from websockets.sync.server import Server, ServerConnection, serve

from releasegate.simulators.delivery_loop import DeliveryLoop
from releasegate.simulators.feishu.long_connection import frames
from releasegate.simulators.feishu.long_connection.deliveries import DeliveryQueue
from releasegate.simulators.feishu.long_connection.records import (
    Connection,
    UnknownConnection,
    Work,
)
from releasegate.simulators.feishu.settings import SimSettings
from releasegate.simulators.feishu.wire import Clock

logger = logging.getLogger("releasegate.simulators.feishu.long_connection")
PATH = "/ws/v2"
# lark-oapi ws/const.py: AUTH_FAILED, EXCEED_CONN_LIMIT; NO_CREDENTIAL for a ticket the
# gateway does not know (which sub-code Feishu uses then is UNCONFIRMED).
AUTH_FAILED = 514
EXCEED_CONN_LIMIT = 1000040350
UNKNOWN_TICKET = 1000040344


class LongConnectionGateway:
    def __init__(self, settings: SimSettings, clock: Clock) -> None:
        self.settings = settings
        self._clock = clock
        self._service_id = 1 + secrets.randbelow(1_000_000)
        self._tickets: dict[str, str] = {}  # ticket -> device_id
        self._admitted: dict[uuid.UUID, tuple[str, int]] = {}  # device_id, when
        self._connections: list[Connection] = []
        # Card callbacks awaiting their ACK, by message_id: the ACK frame once it came.
        self._card_answers: dict[str, tuple[threading.Event, list[frames.Frame]]] = {}
        self._queue = DeliveryQueue(settings)
        self._server: Server | None = None
        self._server_thread: threading.Thread | None = None
        self._loop = DeliveryLoop(
            "feishu-long-connection",
            clock.now,
            take_due=self._due_work,
            deliver=self._deliver,
            busy=self._queue.busy,
            due_times=self._queue.moments,
        )
        self.address = ""

    # -- lifecycle ---------------------------------------------------------------------

    def listen(self, host: str) -> None:
        """Bind the WebSocket server to a free port on `host`."""
        self._server = serve(
            self._serve,
            host,
            0,
            process_request=self._admit,
            compression=None,
            close_timeout=2,
            logger=logger,
        )
        self.address = f"ws://{host}:{self._server.socket.getsockname()[1]}{PATH}"

    def start(self) -> None:
        if self._server is None:
            raise RuntimeError("listen() first")
        self._server_thread = threading.Thread(
            target=self._server.serve_forever, name="feishu-ws-server", daemon=True
        )
        self._server_thread.start()
        self._loop.start()

    def stop(self) -> None:
        if self._server is not None:
            if self._server_thread is not None:
                self._server.shutdown()  # closes every connection first
            else:
                self._server.socket.close()
        self._loop.stop()
        if self._server_thread is not None:
            self._server_thread.join(timeout=5)

    def wake(self) -> None:
        """The clock moved: retries or ACK deadlines may have fallen due."""
        self._loop.wake()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is due and no ACK is awaited; False on timeout."""
        return self._loop.settle(timeout)

    # -- the endpoint's URL and the handshake ---------------------------------------------

    def client_config(self) -> dict[str, int]:
        settings = self.settings
        return {
            "ReconnectCount": settings.ws_reconnect_count,
            "ReconnectInterval": settings.ws_reconnect_interval,
            "ReconnectNonce": settings.ws_reconnect_nonce,
            "PingInterval": settings.ws_ping_interval,
        }

    def issue_url(self) -> str:
        """A URL that opens one connection."""
        ticket, device_id = secrets.token_urlsafe(24), str(secrets.randbits(63))
        with self._loop.changed:
            self._tickets[ticket] = device_id
        query = f"device_id={device_id}&service_id={self._service_id}&ticket={ticket}"
        return f"{self.address}?{query}"

    def _admit(self, connection: ServerConnection, request: WsRequest) -> WsResponse | None:
        split = urlsplit(request.path)
        if split.path != PATH:
            return connection.respond(404, "no such endpoint\n")
        ticket = (parse_qs(split.query).get("ticket") or [""])[0]
        with self._loop.changed:
            device_id = self._tickets.pop(ticket, None)
            if device_id is None:
                return _refused(connection, UNKNOWN_TICKET, "auth failed: unknown ticket")
            live = sum(1 for c in self._connections if c.state == "open") + len(self._admitted)
            if live >= self.settings.ws_connection_limit:
                limit = self.settings.ws_connection_limit
                return _refused(connection, EXCEED_CONN_LIMIT, f"exceed conn limit {limit}")
            self._admitted[connection.id] = (device_id, self._clock.now_ms())
        return None

    # -- a connection -----------------------------------------------------------------------

    def _serve(self, socket_: ServerConnection) -> None:
        with self._loop.changed:
            device_id, opened_at_ms = self._admitted.pop(socket_.id)
            record = Connection(
                len(self._connections) + 1, device_id, self._service_id, socket_, opened_at_ms
            )
            self._connections.append(record)
            self._loop.changed.notify_all()
        because = "closed by the client"
        try:
            for message in socket_:
                if isinstance(message, bytes):
                    self._on_frame(record, message)
        except ConnectionClosed:
            because = "the connection broke"
        finally:
            self._closed(record, because)

    def _on_frame(self, record: Connection, raw: bytes) -> None:
        try:
            frame = frames.decode(raw)
        except frames.MalformedFrame as exc:
            logger.debug("connection %s sent something that is not a frame: %s", record.id, exc)
            return
        if frame.method == frames.CONTROL and frame.header("type") == "ping":
            with self._loop.changed:
                record.pings += 1
                record.last_ping_at_ms = self._clock.now_ms()
            pong = frames.pong(frame, self.client_config())
            with contextlib.suppress(ConnectionClosed):
                record.socket.send(frames.encode(pong))
            return
        with self._loop.changed:
            awaited = self._card_answers.get(frame.header("message_id"))
        if frame.method == frames.DATA and awaited is not None:
            awaited[1].append(frame)
            awaited[0].set()
            return
        if frame.method == frames.DATA:
            with self._loop.changed:
                message_id = frame.header("message_id")
                now = self._clock.now()
                if self._queue.answered(message_id, frames.ack_code(frame), now):
                    self._loop.changed.notify_all()

    def _closed(self, record: Connection, because: str) -> None:
        with self._loop.changed:
            if record.state != "closed":
                record.state, record.closed_at_ms = "closed", self._clock.now_ms()
            record.closed_because = record.closed_because or because
            now = self._clock.now()
            for delivery in self._queue.deliveries:
                if delivery.state == "sent" and delivery.attempts[-1].connection == record.id:
                    self._queue.failed(delivery, "the connection was closed", now)
            self._loop.changed.notify_all()

    # -- events -------------------------------------------------------------------------------

    def enqueue(self, envelopes: list[dict[str, Any]]) -> None:
        with self._loop.changed:
            self._queue.enqueue(envelopes, self._clock.now())
            self._loop.changed.notify_all()

    def deliveries(self) -> list[dict[str, Any]]:
        with self._loop.changed:
            return [delivery.as_dict() for delivery in self._queue.deliveries]

    def connections(self) -> list[dict[str, Any]]:
        with self._loop.changed:
            return [connection.as_dict() for connection in self._connections]

    def _due_work(self, now: float) -> Work | None:
        delivery = self._queue.take_due(now)
        if delivery is None:
            return None
        receivers = [c for c in self._connections if c.state == "open"]
        if not receivers:
            self._queue.sending(delivery, None, "", 0, now)
            return Work()
        connection = random.choice(receivers)
        message_id = uuid.uuid4().hex
        payload = json.dumps(delivery.envelope, ensure_ascii=False, separators=(",", ":"))
        parts = frames.event_frames(
            payload.encode(),
            service=connection.service_id,
            message_id=message_id,
            trace_id=uuid.uuid4().hex,
            part_size=self.settings.ws_part_size,
        )
        self._queue.sending(delivery, connection.id, message_id, len(parts), now)
        return Work(delivery, connection, [frames.encode(part) for part in parts])

    def _deliver(self, work: Work) -> None:
        if work.connection is None or work.delivery is None:
            return
        try:
            for data in work.frames:
                work.connection.socket.send(data)
        except (ConnectionClosed, OSError):
            self._closed(work.connection, "the connection broke")
            return
        with self._loop.changed:
            work.connection.frames_sent += len(work.frames)

    def card_callback(
        self, envelope: dict[str, Any], timeout: float
    ) -> tuple[int | None, str, bytes]:
        """Send a card callback to one open connection and wait for the app's answer: a
        status (200 when answered), what happened, and the answer's JSON."""
        with self._loop.changed:
            receivers = [c for c in self._connections if c.state == "open"]
        if not receivers:
            return None, "no open long connection", b""
        connection, message_id = random.choice(receivers), uuid.uuid4().hex
        payload = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        frame = frames.card_frame(
            payload, service=connection.service_id, message_id=message_id, trace_id=message_id
        )
        answered: tuple[threading.Event, list[frames.Frame]] = (threading.Event(), [])
        with self._loop.changed:
            self._card_answers[message_id] = answered
        try:
            connection.socket.send(frames.encode(frame))
            if not answered[0].wait(timeout):
                return None, f"no answer within {timeout:g} s", b""
        except (ConnectionClosed, OSError):
            return None, "the connection broke", b""
        finally:
            with self._loop.changed:
                self._card_answers.pop(message_id, None)
        answer = frames.card_answer(answered[1][0])
        if answer is None:
            return 500, "the ACK carries no answer", b""
        return 200, "success", answer

    # -- control: close, drop ----------------------------------------------------------------

    def _targets(self, connection_id: int | None) -> list[Connection]:
        with self._loop.changed:
            live = [c for c in self._connections if c.state == "open"]
        if connection_id is None:
            return live
        found = [c for c in live if c.id == connection_id]
        if not found:
            raise UnknownConnection(f"no open long connection {connection_id}")
        return found

    def close(self, connection_id: int | None, code: int = 1000, reason: str = "") -> list[int]:
        """Close connections with a close frame, as a gateway restart would."""
        targets = self._targets(connection_id)
        for connection in targets:
            with self._loop.changed:
                connection.closed_because = f"closed by Feishu ({code})"
            connection.socket.close(code, reason)
        return [connection.id for connection in targets]

    def drop(self, connection_id: int | None) -> list[int]:
        """Cut the TCP connection without a close frame, as a network failure would."""
        targets = self._targets(connection_id)
        for connection in targets:
            with self._loop.changed:
                connection.closed_because = "dropped"
            with contextlib.suppress(OSError):  # already gone
                connection.socket.socket.shutdown(socket.SHUT_RDWR)
        return [connection.id for connection in targets]


def _refused(connection: ServerConnection, auth_code: int, message: str) -> WsResponse:
    response = connection.respond(403, f"{message}\n")
    response.headers["handshake-status"] = str(AUTH_FAILED)
    response.headers["handshake-msg"] = message
    response.headers["handshake-autherrcode"] = str(auth_code)
    return response
