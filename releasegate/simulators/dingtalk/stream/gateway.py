"""Stream mode's gateway (reference section 3.4): tickets, WebSocket connections and the
delivery of events as EVENT frames, on a loopback port of its own.

`POST /v1.0/gateway/connections/open` (api.py) issues a ticket; a client then opens
`ws://host:port/connect?ticket=…`. Each event goes to one connection subscribed to events,
picked at random, and waits for its ACK; deliveries.py decides when it is sent again.
Times are the simulator's clock, so tests move the clock instead of waiting.

The control API can ping a connection, send it `disconnect` (closed after a grace period),
make it silent (a zombie: the socket stays up, no frame goes out, events sent to it are
lost) or drop its TCP connection without a close frame.

Threads: the WebSocket server's (one per connection, reading answers) and one dispatcher
(a DeliveryLoop) that sends what falls due. All state is behind the dispatcher's condition;
sockets are written outside it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import socket
import threading
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request as WsRequest
from websockets.http11 import Response as WsResponse
from websockets.sync.server import Server, ServerConnection, serve

from releasegate.simulators.delivery_loop import DeliveryLoop
from releasegate.simulators.dingtalk.approvals.instances import Event
from releasegate.simulators.dingtalk.settings import SimSettings
from releasegate.simulators.dingtalk.stream.callbacks import CallbackCalls
from releasegate.simulators.dingtalk.stream.deliveries import StreamQueue
from releasegate.simulators.dingtalk.stream.frames import (
    Answer,
    event_frame,
    message_id,
    read_answer,
    system_frame,
    unified_app_id,
)
from releasegate.simulators.dingtalk.stream.records import (
    Outgoing,
    Ping,
    StreamConnection,
    StreamDelivery,
    Ticket,
    UnknownConnection,
    Work,
)
from releasegate.simulators.dingtalk.wire import Clock

logger = logging.getLogger("releasegate.simulators.dingtalk.stream")
# The latest pings, for the control API; the rest are forgotten in long runs.
PING_LOG_SIZE = 1000


class StreamGateway:
    def __init__(self, settings: SimSettings, clock: Clock) -> None:
        self.settings = settings
        self._clock = clock
        self._app_id = unified_app_id(settings.app_key)
        self._tickets: dict[str, Ticket] = {}
        # Admitted in the handshake, with when: listed once the handler starts.
        self._admitted: dict[uuid.UUID, tuple[Ticket, int]] = {}
        self._connections: list[StreamConnection] = []
        self._queue = StreamQueue(settings)
        self._pings: list[Ping] = []
        self._callbacks = CallbackCalls()
        self._server: Server | None = None
        self._server_thread: threading.Thread | None = None
        self._loop = DeliveryLoop(
            "dingtalk-stream",
            clock.now,
            take_due=self._due_work,
            deliver=self._deliver,
            busy=self._busy,
            due_times=self._due_times,
        )
        self.endpoint = ""

    # -- lifecycle --------------------------------------------------------------------

    def listen(self, host: str) -> None:
        """Bind the WebSocket server to a free loopback port (the endpoint clients get)."""
        self._server = serve(
            self._serve,
            host,
            0,
            process_request=self._admit,
            compression=None,
            close_timeout=2,
            logger=logger,
        )
        port = self._server.socket.getsockname()[1]
        self.endpoint = f"ws://{host}:{port}/connect"

    def start(self) -> None:
        if self._server is None:
            raise RuntimeError("listen() first")
        self._server_thread = threading.Thread(
            target=self._server.serve_forever, name="dingtalk-stream-server", daemon=True
        )
        self._server_thread.start()
        self._loop.start()

    def stop(self) -> None:
        if self._server is not None:
            if self._server_thread is not None:
                # Closes every connection first, so no send holds up the dispatcher.
                self._server.shutdown()
            else:  # never served: shutdown() would wait for serve_forever to end
                self._server.socket.close()
        self._loop.stop()
        if self._server_thread is not None:
            self._server_thread.join(timeout=5)

    def wake(self) -> None:
        """The clock moved: redeliveries, pings or closes may have fallen due."""
        self._loop.wake()

    # -- tickets and connections ----------------------------------------------------------

    def issue_ticket(self, subscriptions: list[dict[str, str]], ua: str) -> str:
        ticket = Ticket(str(uuid.uuid4()), self._clock.now(), subscriptions, ua)
        with self._loop.changed:
            self._tickets[ticket.value] = ticket
        return ticket.value

    def _admit(self, connection: ServerConnection, request: WsRequest) -> WsResponse | None:
        """The opening handshake: `/connect` with an unused, unexpired ticket. (The real
        gateway's status for a refused ticket is not documented; 401 here.)"""
        split = urlsplit(request.path)
        if split.path != "/connect":
            return connection.respond(404, "no such endpoint\n")
        value = (parse_qs(split.query).get("ticket") or [""])[0]
        with self._loop.changed:
            ticket = self._tickets.pop(value, None)
            if ticket is None:
                return connection.respond(401, "unknown or used ticket\n")
            if self._clock.now() - ticket.issued_at > self.settings.stream_ticket_ttl:
                return connection.respond(401, "ticket expired\n")
            self._admitted[connection.id] = (ticket, self._clock.now_ms())
        return None

    def _serve(self, connection: ServerConnection) -> None:
        with self._loop.changed:
            ticket, opened_at_ms = self._admitted.pop(connection.id)
            record = StreamConnection(
                id=len(self._connections) + 1,
                ticket=ticket,
                socket=connection,
                opened_at_ms=opened_at_ms,
                last_ping_at=self._clock.now(),
            )
            self._connections.append(record)
            self._loop.changed.notify_all()
        because = "closed by the client"
        try:
            for message in connection:
                self._on_answer(record, message)
        except ConnectionClosed:
            because = "the connection broke"
        finally:
            self._closed(record, because)

    def _closed(self, record: StreamConnection, because: str) -> None:
        with self._loop.changed:
            if record.state != "closed":
                record.state = "closed"
                record.closed_at_ms = self._clock.now_ms()
            record.closed_because = record.closed_because or because
            self._loop.changed.notify_all()

    # -- answers ------------------------------------------------------------------------

    def _on_answer(self, record: StreamConnection, raw: str | bytes) -> None:
        answer = read_answer(raw)
        if answer is None:
            logger.debug("connection %s sent something that is not an answer", record.id)
            return
        if self._callbacks.answered(answer):
            return
        with self._loop.changed:
            ping = next((p for p in self._pings if p.message_id == answer.message_id), None)
            if ping is not None:
                ok = answer.code == 200 and answer.echoes(ping.data)
                ping.answer = "answered" if ok else f"code {answer.code}, data {answer.data!r}"
                return
            # Anything else, e.g. the Python SDK answering `disconnect`, changes nothing.
            if self._queue.answered(answer, self._clock.now()):
                self._loop.changed.notify_all()

    def call_back(self, topic: str, data: dict[str, Any]) -> Answer | str:
        """Send a CALLBACK to one open connection subscribed to `topic`: its answer, or
        why there is none (no such connection, the send failed, no answer within 2 s)."""
        with self._loop.changed:
            target = next((c for c in self._connections if c.takes_callbacks(topic)), None)
            if target is None:
                return "no open Stream connection subscribed to the topic"
            message_id, frame = self._callbacks.frame(topic, data, self._clock.now_ms())
        try:
            target.socket.send(json.dumps(frame, ensure_ascii=False))
        except (ConnectionClosed, OSError):
            self._closed(target, "the connection broke")
            return "the connection broke"
        answer = self._callbacks.wait(message_id)
        return answer if answer is not None else "timed out after 2 s"

    # -- events ---------------------------------------------------------------------------

    def enqueue(self, events: list[Event]) -> None:
        with self._loop.changed:
            self._queue.enqueue(events, self._clock.now())
            self._loop.changed.notify_all()

    def redeliver(self, delivery_id: int) -> dict[str, Any]:
        """Send a delivery again, as DingTalk may even after a correct ACK."""
        with self._loop.changed:
            found = self._queue.redeliver(delivery_id, self._clock.now())
            self._loop.changed.notify_all()
            return found

    def deliveries(self) -> list[dict[str, Any]]:
        with self._loop.changed:
            return [delivery.as_dict() for delivery in self._queue.deliveries]

    def connections(self) -> list[dict[str, Any]]:
        with self._loop.changed:
            return [connection.as_dict() for connection in self._connections]

    def pings(self) -> list[dict[str, Any]]:
        with self._loop.changed:
            return [ping.as_dict() for ping in self._pings]

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until no delivery can be sent now and none awaits its ACK; False on timeout."""
        return self._loop.settle(timeout)

    def _busy(self, now: float) -> bool:
        can_send = any(c.takes_events for c in self._connections)
        return self._queue.busy(now, can_send)

    # -- control: ping, disconnect, silence, drop -------------------------------------------

    def _targets(self, connection_id: int | None) -> list[StreamConnection]:
        live = [c for c in self._connections if c.state != "closed"]
        if connection_id is None:
            return live
        found = [c for c in live if c.id == connection_id]
        if not found:
            raise UnknownConnection(f"no open stream connection {connection_id}")
        return found

    def ping(self, connection_id: int | None = None) -> list[dict[str, Any]]:
        """Send a `ping` now; the pings sent."""
        with self._loop.changed:
            sends = [(c, self._ping_frame(c), None) for c in self._targets(connection_id)]
        self._send_all(sends)
        with self._loop.changed:
            return [ping.as_dict() for ping in self._pings[len(self._pings) - len(sends) :]]

    def _ping_frame(self, connection: StreamConnection) -> dict[str, Any]:
        connection.last_ping_at = self._clock.now()
        ping = Ping(
            message_id(),
            connection.id,
            json.dumps({"opaque": str(uuid.uuid4())}),
            self._clock.now_ms(),
        )
        self._pings.append(ping)
        del self._pings[:-PING_LOG_SIZE]
        return system_frame("ping", ping.message_id, json.loads(ping.data), ping.sent_at_ms)

    def disconnect(self, connection_id: int | None, reason: str) -> list[int]:
        """Send `disconnect`; the socket is closed `stream_disconnect_grace` later."""
        with self._loop.changed:
            targets = self._targets(connection_id)
            now = self._clock.now()
            sends = []
            for connection in targets:
                frame = system_frame("disconnect", message_id(), {"reason": reason}, _ms(now))
                sends.append((connection, frame, None))
                connection.state = "disconnecting"
                connection.close_at = now + self.settings.stream_disconnect_grace
            self._loop.changed.notify_all()
        self._send_all(sends)
        return [connection.id for connection, _, _ in sends]

    def silence(self, connection_id: int | None, silent: bool = True) -> list[int]:
        """Make connections zombies (no frame goes out) or bring them back."""
        with self._loop.changed:
            targets = [c for c in self._targets(connection_id) if c.state in ("open", "silent")]
            for connection in targets:
                connection.state = "silent" if silent else "open"
            self._loop.changed.notify_all()
            return [connection.id for connection in targets]

    def drop(self, connection_id: int | None) -> list[int]:
        """Cut the TCP connection without a close frame, as a network failure would."""
        with self._loop.changed:
            targets = self._targets(connection_id)
            for connection in targets:
                connection.closed_because = "dropped"
        for connection in targets:
            with contextlib.suppress(OSError):  # already gone
                connection.socket.socket.shutdown(socket.SHUT_RDWR)
        return [connection.id for connection in targets]

    # -- the dispatcher ---------------------------------------------------------------------

    def _due_work(self, now: float) -> Work | None:
        """What falls due by `now`, marked as done: sockets to close, pings and deliveries
        to send. None when nothing is due."""
        work = Work([], [])
        for connection in self._connections:
            if connection.state == "disconnecting" and (connection.close_at or 0) <= now:
                connection.state, connection.closed_because = "closed", "disconnected"
                connection.closed_at_ms = _ms(now)
                work.closes.append(connection)
            interval = self.settings.stream_ping_interval
            if (
                connection.state == "open"
                and interval
                and connection.last_ping_at + interval <= now
            ):
                work.frames.append((connection, self._ping_frame(connection), None))
        receivers = [c for c in self._connections if c.takes_events]
        for delivery in self._queue.take_due(now) if receivers else []:
            connection = random.choice(receivers)
            self._queue.sending(delivery, connection.id, now)
            frame = event_frame(delivery.event, delivery.message_id, self._app_id, _ms(now))
            work.frames.append((connection, frame, delivery))
        if work.closes:
            self._loop.changed.notify_all()
        if not work.frames and not work.closes:
            return None
        return work

    def _deliver(self, work: Work) -> None:
        self._send_all(work.frames)
        for connection in work.closes:
            connection.socket.close(1000, "disconnect")

    def _due_times(self) -> list[float]:
        moments = self._queue.moments(any(c.takes_events for c in self._connections))
        moments += [
            c.close_at
            for c in self._connections
            if c.state == "disconnecting" and c.close_at is not None
        ]
        interval = self.settings.stream_ping_interval
        if interval:
            moments += [c.last_ping_at + interval for c in self._connections if c.state == "open"]
        return moments

    def _send_all(self, frames: Sequence[Outgoing]) -> None:
        for connection, frame, delivery in frames:
            if connection.state == "silent":
                if delivery is not None:
                    with self._loop.changed:
                        delivery.attempts[-1].outcome = "lost: the connection is silent"
                continue
            try:
                connection.socket.send(json.dumps(frame, ensure_ascii=False))
            except (ConnectionClosed, OSError):
                self._send_failed(connection, delivery)
                continue
            with self._loop.changed:
                connection.frames_sent += 1

    def _send_failed(self, connection: StreamConnection, delivery: StreamDelivery | None) -> None:
        self._closed(connection, "the connection broke")
        if delivery is None:
            return
        with self._loop.changed:
            self._queue.not_sent(delivery, self._clock.now())
            self._loop.changed.notify_all()


def _ms(seconds: float) -> int:
    return int(seconds * 1000)
