"""Event pushes to the developer's server (reference section A3), delivered by one
background thread (a DeliveryLoop).

Each v1 event travels in its envelope (`uuid` event id, `token` = Verification Token,
`ts`, `type: "event_callback"`), sealed with the Encrypt Key as `{"encrypt": …}` (plain
JSON when the app has none) and signed with `X-Lark-Request-Timestamp`,
`X-Lark-Request-Nonce` and `X-Lark-Signature`. Only an HTTP 200 within 3 s counts.

Delivery is ordered per instance ("同一个审批事件在一个审批实例内是有序触发的"): a later
event of an instance waits until the earlier one was acknowledged or given up. A failed
push is retried 15 s, 5 min, 1 h and 6 h later (simulator-clock seconds times
`push_time_factor`), then given up and listed as failed. Feishu sends "at least once":
with `duplicate_probability` an acknowledged event is pushed once more, and the control
API can push any event again.

The signature's timestamp is wall-clock time, not the simulator's: a receiver checks it
against its own clock.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from releasegate.simulators.delivery_loop import DeliveryLoop
from releasegate.simulators.feishu.crypto import encrypt, signature
from releasegate.simulators.feishu.settings import SimSettings
from releasegate.simulators.feishu.wire import Clock

logger = logging.getLogger("releasegate.simulators.feishu")

DeliveryState = Literal["pending", "delivered", "failed", "unsubscribed"]
# The handshake's answer is due within 1 s (将事件发送至开发者服务器).
CHALLENGE_TIMEOUT = 1.0


@dataclass
class Attempt:
    at_ms: int
    url: str
    outcome: str
    status: int | None = None


@dataclass
class Delivery:
    id: int
    envelope: dict[str, Any]
    instance_code: str
    state: DeliveryState = "pending"
    due: float | None = None
    in_flight: bool = False
    # A second push of an event already delivered (never itself pushed a third time).
    again: bool = False
    attempts: list[Attempt] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        event = self.envelope["event"]
        return {
            "id": self.id,
            "uuid": self.envelope["uuid"],
            "event_type": event["type"],
            "status": event.get("status"),
            "instance_code": self.instance_code,
            "envelope": self.envelope,
            "state": self.state,
            "again": self.again,
            "attempts": [attempt.__dict__ for attempt in self.attempts],
        }


def envelope(settings: SimSettings, event: dict[str, Any], now: float) -> dict[str, Any]:
    """The v1 envelope of an event, as a webhook push and the long connection carry it."""
    return {
        "ts": f"{now:.7f}",
        "uuid": uuid.uuid4().hex,
        "token": settings.verification_token,
        "type": "event_callback",
        "event": event,
    }


def retry_delay(settings: SimSettings, attempts_made: int) -> float | None:
    """How long after its `attempts_made`-th failed attempt an event is sent again
    (simulator-clock seconds); None: it is given up."""
    retries = settings.retry_delays
    if attempts_made > len(retries):
        return None
    return retries[attempts_made - 1] * settings.push_time_factor


class Pusher:
    """The event queue and its delivery thread. Has its own lock; never takes the world's."""

    def __init__(self, settings: SimSettings, clock: Clock) -> None:
        self.settings = settings
        self.url = settings.event_url
        self.duplicate_probability = settings.duplicate_probability
        self._clock = clock
        self._deliveries: list[Delivery] = []
        self._http = httpx.Client(timeout=settings.push_timeout)
        self._loop = DeliveryLoop(
            "feishu-pushes",
            clock.now,
            take_due=self._take_due,
            deliver=self._deliver,
            busy=self._busy,
            due_times=lambda: [d.due for d in self._eligible() if d.due is not None],
        )

    # -- queue --------------------------------------------------------------------

    def enqueue(self, envelopes: list[dict[str, Any]]) -> None:
        with self._loop.changed:
            for sealed in envelopes:
                self._add(sealed)
            self._loop.changed.notify_all()

    def _add(self, envelope: dict[str, Any], *, again: bool = False) -> Delivery:
        code = str(envelope["event"].get("instance_code", ""))
        delivery = Delivery(len(self._deliveries) + 1, envelope, code, again=again)
        if self.url is None:
            delivery.state = "unsubscribed"
        else:
            delivery.due = self._clock.now()
        self._deliveries.append(delivery)
        return delivery

    def deliveries(self, state: str | None = None) -> list[dict[str, Any]]:
        with self._loop.changed:
            return [d.as_dict() for d in self._deliveries if state in (None, d.state)]

    def redeliver(self, delivery_id: int) -> dict[str, Any]:
        """Push a delivery's event again (the same `uuid`), as a delivery of its own.
        Raises LookupError for an unknown delivery."""
        with self._loop.changed:
            if not 1 <= delivery_id <= len(self._deliveries):
                raise LookupError(f"no event delivery {delivery_id}")
            again = self._add(self._deliveries[delivery_id - 1].envelope, again=True)
            self._loop.changed.notify_all()
            return again.as_dict()

    def set_url(self, url: str | None) -> None:
        with self._loop.changed:
            self.url = url

    def wake(self) -> None:
        """The clock moved: retries may have fallen due."""
        self._loop.wake()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until every attempt due by now has been made; False on timeout."""
        return self._loop.settle(timeout)

    # -- the thread -----------------------------------------------------------------

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()
        self._http.close()

    def _eligible(self) -> list[Delivery]:
        """Pending deliveries not waiting behind an earlier one of the same instance."""
        blocked: set[str] = set()
        eligible = []
        for delivery in self._deliveries:
            if delivery.state != "pending":
                continue
            if delivery.instance_code not in blocked:
                eligible.append(delivery)
            blocked.add(delivery.instance_code)
        return eligible

    def _take_due(self, now: float) -> tuple[Delivery, str | None] | None:
        delivery = next(
            (d for d in self._eligible() if not d.in_flight and d.due is not None and d.due <= now),
            None,
        )
        if delivery is None:
            return None
        delivery.in_flight = True
        return delivery, self.url

    def _busy(self, now: float) -> bool:
        return any(d.in_flight or (d.due is not None and d.due <= now) for d in self._eligible())

    def _deliver(self, work: tuple[Delivery, str | None]) -> None:
        delivery, url = work
        at_ms = self._clock.now_ms()
        if url is None:
            attempt = Attempt(at_ms, "", "no event URL")
        else:
            status, outcome, _ = self.post(url, delivery.envelope)
            attempt = Attempt(at_ms, url, outcome, status)
        with self._loop.changed:
            self._record(delivery, attempt)

    def _record(self, delivery: Delivery, attempt: Attempt) -> None:
        delivery.in_flight = False
        delivery.attempts.append(attempt)
        if attempt.outcome == "success":
            delivery.state, delivery.due = "delivered", None
            chance = self.duplicate_probability
            if not delivery.again and chance and random.random() < chance:
                self._add(delivery.envelope, again=True)
            return
        delay = retry_delay(self.settings, len(delivery.attempts))
        if delay is not None:
            delivery.due = self._clock.now() + delay
            return
        delivery.state, delivery.due = "failed", None

    # -- one attempt ----------------------------------------------------------------

    def seal(self, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        """The body and headers of a push of `payload`."""
        plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        key = self.settings.encrypt_key
        sealed = {"encrypt": encrypt(key, plain)}
        body = json.dumps(sealed, separators=(",", ":")).encode() if key else plain.encode()
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(8)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Lark-Request-Timestamp": timestamp,
            "X-Lark-Request-Nonce": nonce,
            "X-Lark-Signature": signature(timestamp, nonce, key, body),
        }
        return body, headers

    def post(
        self, url: str, payload: dict[str, Any], timeout: float | None = None
    ) -> tuple[int | None, str, bytes]:
        """POST one sealed payload: the HTTP status, "success" or what went wrong, and
        the answer's body."""
        body, headers = self.seal(payload)
        wait = timeout or self.settings.push_timeout
        try:
            response = self._http.post(url, content=body, headers=headers, timeout=wait)
        except httpx.TimeoutException:
            return None, f"no answer within {wait:g} s", b""
        except httpx.TransportError as exc:
            return None, f"connection failed: {type(exc).__name__}", b""
        logger.debug("pushed %s to %s: HTTP %s", payload.get("type"), url, response.status_code)
        if response.status_code != 200:
            return response.status_code, f"HTTP {response.status_code}", response.content
        return 200, "success", response.content

    def verify_url(self, url: str, *, encrypted: bool) -> dict[str, Any]:
        """The `url_verification` handshake Feishu makes when the request URL is saved:
        the answer must echo the challenge within 1 s. Whether Feishu signs it is not
        documented (reference section F); the simulator sends the push headers when it
        encrypts, none otherwise."""
        challenge = secrets.token_urlsafe(16)
        payload = {
            "challenge": challenge,
            "token": self.settings.verification_token,
            "type": "url_verification",
        }
        if encrypted:
            status, outcome, answer = self.post(url, payload, CHALLENGE_TIMEOUT)
        else:
            status, outcome, answer = self._post_plain(url, payload)
        if status is None:
            return {"ok": False, "status": None, "outcome": outcome, "answer": ""}
        return _challenge_outcome(status, answer, challenge)

    def _post_plain(self, url: str, payload: dict[str, Any]) -> tuple[int | None, str, bytes]:
        try:
            response = self._http.post(url, json=payload, timeout=CHALLENGE_TIMEOUT)
        except httpx.HTTPError as exc:
            return None, f"no answer: {type(exc).__name__}", b""
        return response.status_code, f"HTTP {response.status_code}", response.content


def _challenge_outcome(status: int, answer: bytes, challenge: str) -> dict[str, Any]:
    try:
        echoed = json.loads(answer).get("challenge")
    except (ValueError, AttributeError):
        echoed = None
    ok = status == 200 and echoed == challenge
    outcome = "success" if ok else f"HTTP {status}, the answer does not echo the challenge"
    return {
        "ok": ok,
        "status": status,
        "outcome": outcome,
        "answer": answer.decode("utf-8", "replace"),
    }
