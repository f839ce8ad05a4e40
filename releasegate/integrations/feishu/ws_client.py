"""Feishu's long connection (长连接, reference §A3): one WebSocket that Feishu pushes events
into, opened from our side, for companies without a public address. No Django imports;
stream.py gives it the handler that stores events.

The protocol, as lark-oapi 1.x's `ws/client.py` speaks it: `POST /callback/ws/endpoint`
with the app's credentials answers a `wss://` URL (carrying `device_id` and `service_id`)
and a `ClientConfig`; every message is a protobuf frame (ws_frames.py); the client pings
every `PingInterval` seconds with a CONTROL frame and Feishu answers pong (possibly with a
new ClientConfig); an event comes as a DATA frame (split in `sum` parts when large) and is
acknowledged by echoing the frame with payload `{"code": 200}` (500 asks for it again).
A card callback comes as a DATA frame of type `card`; its answer (a toast, a new card)
travels back in the ACK as `data`, base64 of the answer's JSON, as lark-oapi's Go client
answers it (reference §A3; its Python client leaves such frames unanswered).

Why our own client and not lark-oapi's `ws.Client`: it runs the handler on its event loop
and acknowledges whatever the handler returns, captures a module-level asyncio loop at
import (larksuite/oapi-sdk-python#133, #119: "This event loop is already running" inside
another loop or thread), fetches the endpoint with `requests` without a timeout, and
reconnects at a fixed interval forever. Here an event is acknowledged only once it is
stored, reconnecting backs off with jitter and bounds, and every HTTP call goes through
our seam (timeouts, classified errors, redaction).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.sync.client import ClientConnection, connect

from releasegate.integrations.feishu import errors
from releasegate.integrations.feishu.ws_frames import (
    CONTROL,
    DATA,
    Frame,
    MalformedFrame,
    decode,
    encode,
    ping,
)
from releasegate.lib.backoff import Backoff
from releasegate.lib.http import OutboundClient, OutboundError, Timeouts
from releasegate.lib.redact import RedactingFilter, redact, register_secret

logger = logging.getLogger("releasegate.feishu.stream")
_wire_logger = logging.getLogger("releasegate.feishu.stream.wire")
_wire_logger.addFilter(RedactingFilter())

ENDPOINT_PATH = "callback/ws/endpoint"
# Endpoint answers (lark-oapi ws/const.py): 1 system busy and 1000040343 internal error
# pass; 514 auth failed and 403 forbidden do not.
_BUSY_CODES = frozenset({1, 1000040343})
# A handshake refused for too many connections (50 per app): other replicas may let go,
# so it is retried with backoff rather than ending the process (the SDK gives up).
_CONNECTION_LIMIT = "1000040350"
# How long the parts of a split event wait for the rest (lark-oapi keeps them 5 s).
_PARTS_SECONDS = 5.0

# True once the event is stored (ACK 200); False asks Feishu to deliver it again (500).
EventHandler = Callable[[bytes], bool]
# A card callback's payload -> the answer's JSON for Feishu.
CardHandler = Callable[[bytes], bytes]


@dataclass(frozen=True)
class LongConnectionOptions:
    # Nothing at all (not even a pong) for this long: the socket is a zombie.
    silence_seconds: float = 300.0
    # The ping interval until Feishu's ClientConfig says otherwise (its default: 120 s).
    ping_seconds: float = 120.0
    backoff_initial: float = 1.0
    backoff_max: float = 60.0


@dataclass
class _Parts:
    received: dict[int, bytes]
    total: int
    started: float


class LongConnection:
    """Receives events until `stop()`. `run()` blocks; `stop()` may come from any thread."""

    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        handler: EventHandler,
        card_handler: CardHandler | None = None,
        api_base: str = "https://open.feishu.cn",
        options: LongConnectionOptions | None = None,
        timeouts: Timeouts | None = None,
        rng: random.Random | None = None,
    ) -> None:
        register_secret(app_secret)
        self._app_id = app_id
        self._app_secret = app_secret
        self._handler = handler
        self._card_handler = card_handler
        self.options = options or LongConnectionOptions()
        self._ping_seconds = self.options.ping_seconds
        self._timeouts = timeouts or Timeouts()
        self._http = OutboundClient(
            service=errors.SERVICE, base_url=api_base.rstrip("/") + "/", timeouts=self._timeouts
        )
        self._backoff = Backoff(self.options.backoff_initial, self.options.backoff_max, rng)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._current: ClientConnection | None = None
        self._parts: dict[str, _Parts] = {}
        self.connections_opened = 0
        self.events_acknowledged = 0

    def run(self) -> None:
        """Receive until `stop()`, reconnecting as needed. Raises the permanent
        `FeishuError` when Feishu refuses the app: retrying cannot help."""
        failures = 0
        try:
            while not self._stopping.is_set():
                heard, why = self._attempt()
                if self._stopping.is_set():
                    break
                failures = 1 if heard else failures + 1
                delay = self._backoff.delay(failures)
                logger.warning("Feishu long connection %s; reconnecting in %.1f s", why, delay)
                self._stopping.wait(delay)
        finally:
            self._close(self._current)
            self._http.close()

    def stop(self) -> None:
        """Stop receiving. An event being stored at that moment goes unacknowledged, so
        Feishu delivers it again."""
        self._stopping.set()
        with self._lock:
            current = self._current
        if current is not None:
            current.close()

    def _attempt(self) -> tuple[bool, str]:
        try:
            url = self._endpoint()
        except OutboundError as exc:
            if exc.permanent:
                raise
            return False, f"could not be opened: {exc.message}"
        try:
            connection = connect(
                url,
                ssl=ssl.create_default_context() if url.startswith("wss://") else None,
                open_timeout=self._timeouts.connect,
                # Feishu keeps the connection alive with its own ping frames.
                ping_interval=None,
                close_timeout=2,
                compression=None,
                logger=_wire_logger,
            )
        except InvalidStatus as exc:
            return False, self._refused_handshake(exc)
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
            return False, f"could not connect: {_describe(exc)}"
        with connection:
            self.connections_opened += 1
            with self._lock:
                self._current = connection
            logger.info("Feishu long connection open")
            return self._receive(connection, _service_id(url))

    def _endpoint(self) -> str:
        what = "a long connection"
        response = self._http.request(
            "POST",
            ENDPOINT_PATH,
            json={"AppID": self._app_id, "AppSecret": self._app_secret},
            headers={"locale": "zh"},
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code != 200 or not isinstance(body, dict):
            raise errors.error_for(response, None, "", what)
        code = body.get("code")
        found = body.get("data")
        data: dict[str, object] = found if isinstance(found, dict) else {}
        url = data.get("URL")
        if code == 0 and isinstance(url, str) and url.startswith(("ws://", "wss://")):
            self._configure(data.get("ClientConfig"))
            register_secret(url, temporary=True)
            return url
        said = f"{what}: Feishu answered code {code}: {str(body.get('msg') or '')[:200]}"
        if code in _BUSY_CODES:
            raise errors.Unavailable(said, code=code if isinstance(code, int) else None)
        raise errors.CredentialsRejected(said, code=code if isinstance(code, int) else None)

    def _refused_handshake(self, exc: InvalidStatus) -> str:
        headers = exc.response.headers
        status = headers.get("handshake-status", str(exc.response.status_code))
        message = headers.get("handshake-msg", "")
        if status == "514" and headers.get("handshake-autherrcode") != _CONNECTION_LIMIT:
            raise errors.CredentialsRejected(f"Feishu refused the long connection: {message}")
        if status == "403":
            raise errors.PermissionDenied(f"Feishu forbade the long connection: {message}")
        return f"was refused ({status} {message})".strip()

    def _configure(self, config: object) -> None:
        interval = config.get("PingInterval") if isinstance(config, dict) else None
        if isinstance(interval, int | float) and interval > 0:
            self._ping_seconds = float(interval)

    def _receive(self, connection: ClientConnection, service: int) -> tuple[bool, str]:
        heard = False
        last_heard = next_ping = time.monotonic()
        # The connection can close under a send as well as under a read (a ping, an
        # acknowledgement): either way it is a drop to reconnect from, and the event not
        # acknowledged comes again. Uncaught, it ended the whole `stream` process.
        try:
            while not self._stopping.is_set():
                now = time.monotonic()
                if now >= next_ping:
                    connection.send(encode(ping(service)))
                    next_ping = now + self._ping_seconds
                silent_for = now - last_heard
                if silent_for >= self.options.silence_seconds:
                    return heard, f"was silent for {silent_for:.0f} s"
                wait = min(next_ping, last_heard + self.options.silence_seconds) - now
                try:
                    raw = connection.recv(timeout=max(wait, 0.01))
                except TimeoutError:
                    continue
                heard, last_heard = True, time.monotonic()
                if isinstance(raw, bytes):
                    self._answer(connection, raw)
        except ConnectionClosed as exc:
            return heard, f"closed: {_describe(exc)}"
        return heard, "stopped"

    def _answer(self, connection: ClientConnection, raw: bytes) -> None:
        try:
            frame = decode(raw)
        except MalformedFrame as exc:
            logger.warning("ignored a frame Feishu sent: %s", exc)
            return
        kind = frame.header("type")
        if frame.method == CONTROL:
            if kind == "pong" and frame.payload:
                with contextlib.suppress(ValueError):
                    self._configure(json.loads(frame.payload))
            return
        if frame.method == DATA and kind == "card" and self._card_handler is not None:
            self._answer_card(connection, frame, self._card_handler)
            return
        if frame.method != DATA or kind != "event":
            return  # card callbacks without a card handler are left unanswered, as the SDK does
        payload = self._whole(frame)
        if payload is None:
            return
        started = time.monotonic()
        try:
            stored = self._handler(payload)
        except Exception:  # the connection must outlive one bad event; Feishu redelivers it
            logger.exception("handling Feishu event %s failed", frame.header("message_id"))
            stored = False
        took = str(int((time.monotonic() - started) * 1000))
        answer = {"code": 200 if stored else 500}
        ack = frame.with_headers(biz_rt=took)
        connection.send(encode(_with_payload(ack, json.dumps(answer).encode())))
        if stored:
            self.events_acknowledged += 1

    def _answer_card(
        self, connection: ClientConnection, frame: Frame, handler: CardHandler
    ) -> None:
        payload = self._whole(frame)
        if payload is None:
            return
        started = time.monotonic()
        try:
            answer = {"code": 200, "data": base64.b64encode(handler(payload)).decode("ascii")}
        except Exception:  # the connection must outlive one bad callback
            logger.exception("answering Feishu card callback %s failed", frame.header("message_id"))
            answer = {"code": 500}
        took = str(int((time.monotonic() - started) * 1000))
        ack = frame.with_headers(biz_rt=took)
        connection.send(encode(_with_payload(ack, json.dumps(answer).encode())))

    def _whole(self, frame: Frame) -> bytes | None:
        """The event's whole payload, once every part of a split one arrived."""
        total = int(frame.header("sum") or 1) if frame.header("sum").isdigit() else 1
        if total <= 1:
            return frame.payload
        now = time.monotonic()
        for key in [k for k, parts in self._parts.items() if now - parts.started > _PARTS_SECONDS]:
            del self._parts[key]
        seq = int(frame.header("seq")) if frame.header("seq").isdigit() else 0
        parts = self._parts.setdefault(frame.header("message_id"), _Parts({}, total, now))
        parts.received[seq] = frame.payload
        if len(parts.received) < parts.total:
            return None
        del self._parts[frame.header("message_id")]
        return b"".join(parts.received[i] for i in sorted(parts.received))

    @staticmethod
    def _close(connection: ClientConnection | None) -> None:
        if connection is not None:
            connection.close()


def _with_payload(frame: Frame, payload: bytes) -> Frame:
    return replace(frame, payload=payload)


def _service_id(url: str) -> int:
    found = parse_qs(urlsplit(url).query).get("service_id", ["0"])[0]
    return int(found) if found.isdigit() else 0


def _describe(exc: BaseException) -> str:
    # Redacted: the WebSocket address carries the connection's ticket.
    return redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
