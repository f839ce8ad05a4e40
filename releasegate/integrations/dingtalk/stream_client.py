"""A DingTalk Stream-mode client (reference section 3.4): one WebSocket that DingTalk pushes
events into, opened from our side, so no public address is needed. No Django imports;
stream.py gives it the handler that stores events.

Why our own client and not the official `dingtalk-stream` SDK (0.24.3): we need to
- reconnect at once on `disconnect`: 0.24.3 sleeps a fixed 10 s after any close;
- reconnect when the connection goes silent (a zombie socket that answers WebSocket pings
  but carries no frames, reference section 7): 0.24.3 has no idle watchdog;
- back off, bounded and with jitter, while DingTalk cannot be reached: 0.24.3 retries
  every 10 s forever, and treats refused credentials like a network error;
- ACK only after the event is durably stored, LATER when storing failed: possible with
  the SDK's handler, but it runs handlers on asyncio tasks next to Django's synchronous ORM;
- go through our HTTP seam (timeouts, classified errors, redaction) and take the API base
  from our settings: the SDK reads DINGTALK_OPENAPI_ENDPOINT once, at import time, and
  opens the connection with blocking `requests` without a timeout.
The protocol itself is small (one HTTP call, JSON frames, three answers), so following it
with `websockets` costs less than working around the SDK.
"""

from __future__ import annotations

import logging
import random
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote_plus, urlsplit

from pydantic import BaseModel, ConfigDict, Field
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.sync.client import ClientConnection, connect

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.parsing import validated
from releasegate.integrations.dingtalk.stream_frames import (
    Frame,
    MalformedFrame,
    StreamEvent,
    callback_answer,
    event_ack,
    not_supported,
    parse_frame,
    pong,
)
from releasegate.lib.backoff import Backoff
from releasegate.lib.http import OutboundClient, OutboundError, Timeouts
from releasegate.lib.redact import RedactingFilter, redact, register_secret

logger = logging.getLogger("releasegate.dingtalk.stream")
# The websockets library logs handshakes (with the ticket in the path) at DEBUG; its lines
# go through a logger of ours that masks registered secrets before any handler sees them.
_wire_logger = logging.getLogger("releasegate.dingtalk.stream.wire")
_wire_logger.addFilter(RedactingFilter())

OPEN_PATH = "v1.0/gateway/connections/open"
# Events; and card button clicks when approval cards call back over Stream (bot messages
# are CALLBACK topics ReleaseGate has no use for).
SUBSCRIPTIONS = [{"type": "EVENT", "topic": "*"}]
CARD_TOPIC = "/v1.0/card/instances/callback"
USER_AGENT = "releasegate-stream/1"

# True when the event is stored (ACK SUCCESS); False asks DingTalk to redeliver (LATER).
EventHandler = Callable[[StreamEvent], bool]
# A card click's data in; the card's new data out (reference section 9.5).
CardHandler = Callable[[dict[str, Any]], dict[str, Any]]
Ending = Literal["disconnect", "silence", "dropped", "stopped"]


@dataclass(frozen=True)
class StreamOptions:
    # No frame at all (not even DingTalk's ping) for this long: the socket is a zombie.
    silence_seconds: float = 90.0
    # Reconnecting after failures waits initial, 2x, 4x ... up to max seconds, each delay
    # drawn between half and all of that (jitter), so many clients do not retry in step.
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    # WebSocket keepalive pings (as the SDK sends every 60 s) detect a dead TCP peer.
    keepalive_seconds: float = 30.0


class _Ticket(BaseModel):
    model_config = ConfigDict(extra="ignore")
    endpoint: str = Field(pattern=r"^wss?://")
    ticket: str = Field(min_length=1)


@dataclass(frozen=True)
class _Ended:
    why: Ending
    detail: str = ""
    heard_anything: bool = False


class StreamClient:
    """Receives events until `stop()`. `run()` blocks; `stop()` may come from any thread."""

    def __init__(
        self,
        *,
        app_key: str,
        app_secret: str,
        handler: EventHandler,
        api_base: str = "https://api.dingtalk.com",
        options: StreamOptions | None = None,
        timeouts: Timeouts | None = None,
        verify_tls: bool = True,
        rng: random.Random | None = None,
        card_handler: CardHandler | None = None,
    ) -> None:
        register_secret(app_secret)
        self._card_handler = card_handler
        self.subscriptions = SUBSCRIPTIONS + (
            [{"type": "CALLBACK", "topic": CARD_TOPIC}] if card_handler else []
        )
        self._app_key = app_key
        self._app_secret = app_secret
        self._handler = handler
        self.options = options or StreamOptions()
        self._timeouts = timeouts or Timeouts()
        self._verify_tls = verify_tls
        self._http = OutboundClient(
            service=errors.SERVICE,
            base_url=api_base.rstrip("/") + "/",
            timeouts=self._timeouts,
            verify=verify_tls,
        )
        self._backoff = Backoff(self.options.backoff_initial, self.options.backoff_max, rng)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._current: ClientConnection | None = None
        self.connections_opened = 0

    # -- the loop -------------------------------------------------------------------

    def run(self) -> None:
        """Receive until `stop()`, reconnecting as needed (call it once). Raises the permanent
        `DingTalkError` when DingTalk refuses the app (wrong key or secret, no permission):
        retrying cannot help."""
        failures = 0
        retiring: ClientConnection | None = None
        try:
            while not self._stopping.is_set():
                ended = self._attempt(retiring)
                retiring = None
                if ended.why == "stopped":
                    break
                if ended.why == "disconnect":
                    # DingTalk stops sending on a connection it said disconnect on; a new
                    # one is opened before the old one is closed.
                    logger.info("DingTalk asked to reconnect (%s); reconnecting now", ended.detail)
                    retiring, failures = self._current, 0
                    continue
                failures = 1 if ended.heard_anything else failures + 1
                delay = self._backoff.delay(failures)
                logger.warning("Stream %s; reconnecting in %.1f s", ended.detail, delay)
                self._stopping.wait(delay)
        finally:
            self._close(retiring)
            self._close(self._current)
            self._http.close()

    def stop(self) -> None:
        """Stop receiving: the connection is closed and `run()` returns. An event being
        stored at that moment goes unacknowledged, so DingTalk delivers it again."""
        self._stopping.set()
        with self._lock:
            current = self._current
        if current is not None:
            current.close()

    def _attempt(self, retiring: ClientConnection | None) -> _Ended:
        try:
            connection = self._connect()
        except OutboundError as exc:
            if exc.permanent:
                raise
            return _Ended("dropped", f"could not be opened: {exc.message}")
        except (OSError, InvalidHandshake, InvalidURI) as exc:
            return _Ended("dropped", f"could not connect: {_describe(exc)}")
        finally:
            self._close(retiring)
        with self._lock:
            self._current = connection
        if self._stopping.is_set():
            return _Ended("stopped")
        return self._receive(connection)

    # -- opening ----------------------------------------------------------------------

    def _connect(self) -> ClientConnection:
        ticket = self._open()
        register_secret(ticket.ticket, temporary=True)
        context = None
        if ticket.endpoint.startswith("wss://"):
            context = ssl.create_default_context()
            if not self._verify_tls:
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = connect(
            f"{ticket.endpoint}?ticket={quote_plus(ticket.ticket)}",
            ssl=context,
            open_timeout=self._timeouts.connect,
            ping_interval=self.options.keepalive_seconds,
            ping_timeout=self.options.keepalive_seconds,
            close_timeout=2,
            compression=None,
            logger=_wire_logger,
            legacy=True,  # kept past this call: closed by hand, after its successor opens
        )
        self.connections_opened += 1
        logger.info("Stream connected to %s", _where(ticket.endpoint))
        return connection

    def _open(self) -> _Ticket:
        """`POST /v1.0/gateway/connections/open`: an endpoint and a single-use ticket."""
        what = "a Stream connection"
        body = {
            "clientId": self._app_key,
            "clientSecret": self._app_secret,
            "subscriptions": self.subscriptions,
            "ua": USER_AGENT,
            "localIp": "",
        }
        response = self._http.request("POST", OPEN_PATH, json=body)
        if response.status_code != 200:
            raise errors.v1_error(response, what)
        return validated(_Ticket, response, what)

    # -- receiving ----------------------------------------------------------------------

    def _receive(self, connection: ClientConnection) -> _Ended:
        heard = False
        silence = self.options.silence_seconds
        while True:
            try:
                raw = connection.recv(timeout=silence)
                heard = True
                if self._answer(connection, raw):
                    return _Ended("disconnect", _reason(raw), heard)
            except TimeoutError:
                self._close(connection)
                return _Ended("silence", f"was silent for {silence:g} s", heard)
            except ConnectionClosed as exc:
                if self._stopping.is_set():
                    return _Ended("stopped")
                return _Ended("dropped", f"connection closed: {_describe(exc)}", heard)

    def _answer(self, connection: ClientConnection, raw: str | bytes) -> bool:
        """Answer one frame; True when it was `disconnect` (no answer is due)."""
        try:
            frame = parse_frame(raw)
        except MalformedFrame as exc:
            logger.warning("ignored a frame DingTalk sent: %s", exc)
            return False
        if frame.type == "SYSTEM":
            if frame.headers.topic == "disconnect":
                return True
            if frame.headers.topic == "ping":
                connection.send(pong(frame))
            else:
                logger.info("ignored a SYSTEM frame on topic %r", frame.headers.topic)
        elif frame.type == "EVENT":
            connection.send(self._event_answer(frame))
        elif frame.type == "CALLBACK":
            connection.send(self._callback_answer(frame))
        else:
            logger.info("ignored a frame of type %r", frame.type)
        return False

    def _event_answer(self, frame: Frame) -> str:
        try:
            event = StreamEvent.from_frame(frame)
        except MalformedFrame as exc:
            # Redelivering the same malformed event cannot help: acknowledged, not stored.
            logger.warning("acknowledged a malformed %s event: %s", frame.headers.event_type, exc)
            return event_ack(frame.message_id, done=True, message=f"malformed: {exc}")
        try:
            stored = self._handler(event)
        except Exception:  # the connection must outlive one bad event; DingTalk redelivers it
            logger.exception("handling Stream event %s failed", event.event_id)
            stored = False
        if stored:
            return event_ack(frame.message_id, done=True, message="stored")
        return event_ack(frame.message_id, done=False, message="not stored; please redeliver")

    def _callback_answer(self, frame: Frame) -> str:
        """A card click, when cards call back over Stream; any other CALLBACK topic is
        not ours. DingTalk does not redeliver a callback we fail (UNCONFIRMED), so a
        failure answers the card with no change rather than dropping the connection."""
        if frame.headers.topic != CARD_TOPIC or self._card_handler is None:
            return not_supported(frame)
        try:
            return callback_answer(frame, self._card_handler(frame.data_object()))
        except Exception:  # the connection must outlive one bad click
            logger.exception("handling card click %s failed", frame.message_id)
            return callback_answer(frame, {})

    @staticmethod
    def _close(connection: ClientConnection | None) -> None:
        if connection is not None:
            connection.close()


def _reason(raw: str | bytes) -> str:
    try:
        return str(parse_frame(raw).data_object().get("reason") or "no reason given")
    except MalformedFrame:
        return "no reason given"


def _where(endpoint: str) -> str:
    """The endpoint without anything but scheme, host and path (never a ticket)."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _describe(exc: BaseException) -> str:
    # Redacted: an exception about the WebSocket address would carry the ticket.
    return redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
