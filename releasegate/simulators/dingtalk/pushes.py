"""HTTP event push (reference section 3.3), delivered by one background thread (a
DeliveryLoop).

Each event is encrypted with the subscription's aes_key and signed with its token, then
POSTed to the event URL with `msg_signature`, `timestamp` and `nonce`. Only an HTTP 200
whose body is the encrypted, correctly signed "success" counts. A failed push is retried
10 s and then 30 s later (sim-clock time, so tests move the clock instead of waiting);
after the last failure the event shows in `get_call_back_failed_result` 3 minutes later.

The signature's `timestamp` is wall-clock time, not the simulator's: a receiver checks it
against its own clock, and moving the simulator's clock must not look like clock skew.
"""

from __future__ import annotations

import json
import logging
import secrets
import ssl
import string
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import httpx

from releasegate.integrations.dingtalk.crypto import EventCrypto, SignatureError
from releasegate.simulators.delivery_loop import DeliveryLoop
from releasegate.simulators.dingtalk.settings import SimSettings
from releasegate.simulators.dingtalk.wire import Clock

logger = logging.getLogger("releasegate.simulators.dingtalk")

DeliveryState = Literal["pending", "delivered", "failed", "unsubscribed"]
FAILED_LIST_PAGE = 200
_ENVELOPE = ("EventType", "EventTime", "CorpId")


@dataclass
class Attempt:
    at_ms: int
    url: str
    outcome: str
    status: int | None = None


@dataclass
class Delivery:
    id: int
    event: dict[str, Any]
    state: DeliveryState = "pending"
    due: float | None = None
    in_flight: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    failed_visible_at: float | None = None
    fetched: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event_type": self.event["EventType"],
            "type": self.event.get("type"),
            "event": self.event,
            "state": self.state,
            "attempts": [attempt.__dict__ for attempt in self.attempts],
        }


@cache
def _tls() -> ssl.SSLContext:
    # One context for every simulator: building one loads the CA bundle (~35 ms).
    return ssl.create_default_context()


class Pusher:
    """The event queue and its delivery thread. Has its own lock; never takes the world's."""

    def __init__(self, settings: SimSettings, clock: Clock) -> None:
        self.settings = settings
        self.url = settings.event_url
        self.crypto = EventCrypto(settings.event_token, settings.aes_key, settings.app_key)
        self._clock = clock
        self._deliveries: list[Delivery] = []
        self._http = httpx.Client(timeout=settings.push_timeout, verify=_tls())
        self._loop = DeliveryLoop(
            "dingtalk-pushes",
            clock.now,
            take_due=self._take_due,
            deliver=self._deliver,
            busy=self._busy,
            due_times=self._due_times,
        )

    # -- queue --------------------------------------------------------------------

    def enqueue(self, events: list[dict[str, Any]]) -> None:
        with self._loop.changed:
            for event in events:
                delivery = Delivery(len(self._deliveries) + 1, event)
                if self.url is None:
                    delivery.state = "unsubscribed"
                else:
                    delivery.due = self._clock.now()
                self._deliveries.append(delivery)
            self._loop.changed.notify_all()

    def deliveries(self) -> list[dict[str, Any]]:
        with self._loop.changed:
            return [delivery.as_dict() for delivery in self._deliveries]

    def redeliver(self, delivery_id: int) -> dict[str, Any]:
        """Push a delivery's event again, as a delivery of its own: DingTalk may deliver
        an event more than once (the same `eventId`), even after a "success".
        Raises LookupError for an unknown delivery."""
        with self._loop.changed:
            if not 1 <= delivery_id <= len(self._deliveries):
                raise LookupError(f"no event delivery {delivery_id}")
            again = Delivery(len(self._deliveries) + 1, self._deliveries[delivery_id - 1].event)
            if self.url is None:
                again.state = "unsubscribed"
            else:
                again.due = self._clock.now()
            self._deliveries.append(again)
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

    # -- the failed list ------------------------------------------------------------

    def take_failed(self) -> tuple[list[dict[str, Any]], bool]:
        """Up to 200 failed events now visible, each returned once; and whether more
        remain (`has_more`)."""
        now = self._clock.now()
        with self._loop.changed:
            visible = [
                d
                for d in self._deliveries
                if d.state == "failed" and not d.fetched and (d.failed_visible_at or 0) <= now
            ]
            page = visible[:FAILED_LIST_PAGE]
            for delivery in page:
                delivery.fetched = True
        return [self._failed_entry(d.event) for d in page], len(visible) > len(page)

    def _failed_entry(self, event: dict[str, Any]) -> dict[str, Any]:
        tag = event["EventType"]
        data = {key: value for key, value in event.items() if key not in _ENVELOPE}
        return {
            "call_back_tag": tag,
            "event_time": event["EventTime"],
            tag: {"bpmsCallBackData": data, "corpid": event["CorpId"]},
        }

    # -- the thread -----------------------------------------------------------------

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()
        self._http.close()

    def _take_due(self, now: float) -> tuple[Delivery, str | None] | None:
        delivery = next((d for d in self._deliveries if d.due is not None and d.due <= now), None)
        if delivery is None:
            return None
        delivery.in_flight = True
        return delivery, self.url

    def _deliver(self, work: tuple[Delivery, str | None]) -> None:
        delivery, url = work
        attempt = self._attempt(delivery.event, url)
        with self._loop.changed:
            self._record(delivery, attempt)

    def _busy(self, now: float) -> bool:
        return any(d.in_flight or (d.due is not None and d.due <= now) for d in self._deliveries)

    def _due_times(self) -> list[float]:
        return [d.due for d in self._deliveries if d.due is not None]

    def _record(self, delivery: Delivery, attempt: Attempt) -> None:
        delivery.in_flight = False
        delivery.attempts.append(attempt)
        now = self._clock.now()
        if attempt.outcome == "success":
            delivery.state, delivery.due = "delivered", None
            return
        retries = self.settings.retry_delays
        if len(delivery.attempts) <= len(retries):
            delivery.due = now + retries[len(delivery.attempts) - 1]
            return
        delivery.state, delivery.due = "failed", None
        delivery.failed_visible_at = now + self.settings.failed_list_delay

    # -- one attempt ----------------------------------------------------------------

    def _attempt(self, event: dict[str, Any], url: str | None) -> Attempt:
        at_ms = self._clock.now_ms()
        if url is None:
            return Attempt(at_ms, "", "no event URL")
        status, outcome = self.post(url, json.dumps(event, ensure_ascii=False))
        logger.debug("pushed %s %s to %s: %s", event["EventType"], event.get("type"), url, outcome)
        return Attempt(at_ms, url, outcome, status)

    def post(self, url: str, message: str) -> tuple[int | None, str]:
        """POST one encrypted message; the HTTP status and "success" or what went wrong."""
        timestamp = str(int(time.time() * 1000))
        nonce = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(8))
        encrypt = self.crypto.encrypt(message)
        params = {
            "msg_signature": self.crypto.signature(timestamp, nonce, encrypt),
            "timestamp": timestamp,
            "nonce": nonce,
        }
        try:
            response = self._http.post(url, params=params, json={"encrypt": encrypt})
        except httpx.TimeoutException:
            return None, f"no answer within {self.settings.push_timeout} s"
        except httpx.TransportError as exc:
            return None, f"connection failed: {type(exc).__name__}"
        if response.status_code != 200:
            return response.status_code, f"HTTP {response.status_code}"
        return 200, self._reply_outcome(response)

    def _reply_outcome(self, response: httpx.Response) -> str:
        try:
            reply = response.json()
            # The official samples answer `timeStamp`; `timestamp` is tolerated too.
            stamp = reply.get("timeStamp") or reply.get("timestamp")
            self.crypto.verify(reply["msg_signature"], str(stamp), reply["nonce"], reply["encrypt"])
            said = self.crypto.decrypt(reply["encrypt"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return "the reply is not the encrypted JSON answer"
        except SignatureError as exc:
            return f"the reply failed verification: {exc}"
        return "success" if said == "success" else f"the reply says {said!r}, not 'success'"
