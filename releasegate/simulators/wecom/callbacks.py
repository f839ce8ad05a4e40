"""Callbacks to the app's server (接收事件服务器, reference section B3), delivered by one
background thread (a DeliveryLoop).

Each event's XML is sealed with WXBizMsgCrypt (crypto.py) into
`<xml><ToUserName/><Encrypt/><AgentID/></xml>` and POSTed to
`callback_url?msg_signature=…&timestamp=…&nonce=…`. Only HTTP 200 within 5 s counts; a
failure is retried, 3 tries in all (the same body), then the event is given up
("failed"). WeCom says delivery is "not 100%": with `drop_probability` an event is never
sent ("dropped"), with `duplicate_probability` an acknowledged one is sent once more. There
is no event id. URL verification (验证URL有效性) is a GET with an encrypted `echostr`
whose plaintext must come back as the body within 1 s.

The signature's timestamp is wall-clock time, not the simulator's: a receiver may check
it against its own clock. CreateTime inside the event is the simulator's.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from releasegate.simulators.delivery_loop import DeliveryLoop
from releasegate.simulators.wecom.crypto import encrypt, signature
from releasegate.simulators.wecom.events import cdata
from releasegate.simulators.wecom.settings import SimSettings
from releasegate.simulators.wecom.wire import Clock

logger = logging.getLogger("releasegate.simulators.wecom")

DeliveryState = Literal["pending", "delivered", "failed", "dropped", "unconfigured"]
VERIFY_TIMEOUT = 1.0


@dataclass
class Attempt:
    at_ms: int
    url: str
    outcome: str
    status: int | None = None


@dataclass
class Delivery:
    id: int
    sp_no: str
    change: int
    xml: str
    state: DeliveryState = "pending"
    due: float | None = None
    in_flight: bool = False
    again: bool = False
    attempts: list[Attempt] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sp_no": self.sp_no,
            "statu_change_event": self.change,
            "xml": self.xml,
            "state": self.state,
            "again": self.again,
            "attempts": [attempt.__dict__ for attempt in self.attempts],
        }


class Callbacks:
    """The callback queue and its delivery thread. Has its own lock; never takes the world's."""

    def __init__(self, settings: SimSettings, clock: Clock) -> None:
        self.settings = settings
        self.url = settings.callback_url
        self.drop_probability = settings.drop_probability
        self.duplicate_probability = settings.duplicate_probability
        self._clock = clock
        self._deliveries: list[Delivery] = []
        self._http = httpx.Client(timeout=settings.callback_timeout)
        self._loop = DeliveryLoop(
            "wecom-callbacks",
            clock.now,
            take_due=self._take_due,
            deliver=self._deliver,
            busy=self._busy,
            due_times=lambda: [d.due for d in self._pending() if d.due is not None],
        )

    def enqueue(self, sp_no: str, change: int, xml: str) -> None:
        with self._loop.changed:
            self._add(sp_no, change, xml)
            self._loop.changed.notify_all()

    def _add(self, sp_no: str, change: int, xml: str, *, again: bool = False) -> Delivery:
        delivery = Delivery(len(self._deliveries) + 1, sp_no, change, xml, again=again)
        if self.url is None:
            delivery.state = "unconfigured"
        elif not again and self.drop_probability and random.random() < self.drop_probability:
            delivery.state = "dropped"
        else:
            delivery.due = self._clock.now()
        self._deliveries.append(delivery)
        return delivery

    def deliveries(self, state: str | None = None) -> list[dict[str, Any]]:
        with self._loop.changed:
            return [d.as_dict() for d in self._deliveries if state in (None, d.state)]

    def redeliver(self, delivery_id: int) -> dict[str, Any]:
        """Push a delivery's event again, as a delivery of its own. Raises LookupError."""
        with self._loop.changed:
            if not 1 <= delivery_id <= len(self._deliveries):
                raise LookupError(f"no callback delivery {delivery_id}")
            first = self._deliveries[delivery_id - 1]
            again = self._add(first.sp_no, first.change, first.xml, again=True)
            self._loop.changed.notify_all()
            return again.as_dict()

    def set_url(self, url: str | None) -> None:
        with self._loop.changed:
            self.url = url

    def wake(self) -> None:
        self._loop.wake()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until every attempt due by now has been made; False on timeout."""
        return self._loop.settle(timeout)

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()
        self._http.close()

    # -- the thread -------------------------------------------------------------------

    def _pending(self) -> list[Delivery]:
        return [d for d in self._deliveries if d.state == "pending"]

    def _take_due(self, now: float) -> tuple[Delivery, str | None] | None:
        delivery = next(
            (d for d in self._pending() if not d.in_flight and d.due is not None and d.due <= now),
            None,
        )
        if delivery is None:
            return None
        delivery.in_flight = True
        return delivery, self.url

    def _busy(self, now: float) -> bool:
        return any(d.in_flight or (d.due is not None and d.due <= now) for d in self._pending())

    def _deliver(self, work: tuple[Delivery, str | None]) -> None:
        delivery, url = work
        at_ms = self._clock.now_ms()
        if url is None:
            attempt = Attempt(at_ms, "", "no callback URL")
        else:
            status, outcome = self.post(url, delivery.xml)
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
                self._add(delivery.sp_no, delivery.change, delivery.xml, again=True)
            return
        retries = self.settings.retry_delays
        if len(delivery.attempts) <= len(retries):
            delivery.due = self._clock.now() + retries[len(delivery.attempts) - 1]
            return
        delivery.state, delivery.due = "failed", None

    # -- one attempt ------------------------------------------------------------------

    def seal(self, xml: str) -> tuple[bytes, dict[str, str]]:
        """The body and query of a callback carrying `xml`."""
        settings = self.settings
        sealed = encrypt(settings.encoding_aes_key, settings.corp_id, xml)
        timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
        body = (
            f"<xml><ToUserName>{cdata(settings.corp_id)}</ToUserName>"
            f"<Encrypt>{cdata(sealed)}</Encrypt>"
            f"<AgentID>{cdata(str(settings.agent_id))}</AgentID></xml>"
        )
        query = {
            "msg_signature": signature(settings.callback_token, timestamp, nonce, sealed),
            "timestamp": timestamp,
            "nonce": nonce,
        }
        return body.encode(), query

    def post(self, url: str, xml: str) -> tuple[int | None, str]:
        """POST one sealed event: the HTTP status and "success" or what went wrong."""
        body, query = self.seal(xml)
        timeout = self.settings.callback_timeout
        try:
            response = self._http.post(
                url, params=query, content=body, headers={"Content-Type": "text/xml"}
            )
        except httpx.TimeoutException:
            return None, f"no answer within {timeout:g} s"
        except httpx.TransportError as exc:
            return None, f"connection failed: {type(exc).__name__}"
        logger.debug("called back %s: HTTP %s", url, response.status_code)
        if response.status_code != 200:
            return response.status_code, f"HTTP {response.status_code}"
        return 200, "success"

    def verify_url(self, url: str) -> dict[str, Any]:
        """验证URL有效性: GET with an encrypted echostr; the answer must be its plaintext,
        within 1 s. Returns {ok, status, outcome, answer}."""
        settings = self.settings
        echo = str(secrets.randbelow(10**19))
        sealed = encrypt(settings.encoding_aes_key, settings.corp_id, echo)
        timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
        query = {
            "msg_signature": signature(settings.callback_token, timestamp, nonce, sealed),
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": sealed,
        }
        try:
            response = self._http.get(url, params=query, timeout=VERIFY_TIMEOUT)
        except httpx.HTTPError as exc:
            return {"ok": False, "status": None, "outcome": type(exc).__name__, "answer": ""}
        answer = response.content.decode("utf-8", "replace")
        ok = response.status_code == 200 and answer.strip() == echo
        outcome = "success" if ok else f"HTTP {response.status_code}, not the echostr's plaintext"
        return {"ok": ok, "status": response.status_code, "outcome": outcome, "answer": answer}
