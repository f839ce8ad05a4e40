"""When each event goes out on the long connection, and again (reference section A3).

The webhook's rules hold here too (pushes.py): delivery is ordered per instance, so a
later event of an instance waits while an earlier one is pending or awaits its ACK; an
attempt fails when no connection is open, the socket breaks, the ACK's code is not 200
or no ACK comes within `push_timeout`; failed attempts are repeated 15 s, 5 min, 1 h and
6 h later (times `push_time_factor`), then the event is given up.

Whether Feishu counts "no connection open" as a failed attempt or holds the event until a
client connects is not documented (UNCONFIRMED); the simulator counts it, as it counts an
unreachable webhook. Times are sim-clock seconds. Not thread-safe: the gateway calls it
holding its lock.
"""

from __future__ import annotations

from typing import Any

from releasegate.simulators.feishu.long_connection.records import Attempt, Delivery
from releasegate.simulators.feishu.pushes import retry_delay
from releasegate.simulators.feishu.settings import SimSettings


class DeliveryQueue:
    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.deliveries: list[Delivery] = []

    def enqueue(self, envelopes: list[dict[str, Any]], now: float) -> None:
        for envelope in envelopes:
            code = str(envelope["event"].get("instance_code", ""))
            self.deliveries.append(Delivery(len(self.deliveries) + 1, envelope, code, due=now))

    def _eligible(self) -> list[Delivery]:
        """Deliveries not given up nor delivered, each the first of its instance's."""
        blocked: set[str] = set()
        found = []
        for delivery in self.deliveries:
            if delivery.state not in ("pending", "sent"):
                continue
            if delivery.instance_code not in blocked:
                found.append(delivery)
            blocked.add(delivery.instance_code)
        return found

    def take_due(self, now: float) -> Delivery | None:
        """The next delivery to send now (ACKs overdue are failed first), or None."""
        for delivery in self.deliveries:
            if delivery.state == "sent" and (delivery.ack_deadline or 0) <= now:
                self.failed(delivery, f"no ACK within {self.settings.push_timeout:g} s", now)
        return next(
            (
                d
                for d in self._eligible()
                if d.state == "pending" and d.due is not None and d.due <= now
            ),
            None,
        )

    def sending(
        self, delivery: Delivery, connection: int | None, message_id: str, parts: int, now: float
    ) -> None:
        """An attempt starts: to `connection`, or none (no connection was open)."""
        delivery.attempts.append(Attempt(int(now * 1000), connection, message_id, parts))
        if connection is None:
            self.failed(delivery, "no open connection", now)
            return
        delivery.state, delivery.due = "sent", None
        delivery.ack_deadline = now + self.settings.push_timeout

    def answered(self, message_id: str, code: int | None, now: float) -> bool:
        """Apply an ACK; False when no delivery awaits one with that message_id."""
        delivery = next(
            (
                d
                for d in self.deliveries
                if d.state == "sent" and d.attempts[-1].message_id == message_id
            ),
            None,
        )
        if delivery is None:
            return False
        if code == 200:
            delivery.attempts[-1].outcome = "success"
            delivery.state, delivery.ack_deadline = "delivered", None
        else:
            self.failed(delivery, f"ACK code {code}", now)
        return True

    def failed(self, delivery: Delivery, outcome: str, now: float) -> None:
        delivery.attempts[-1].outcome = outcome
        delivery.ack_deadline = None
        delay = retry_delay(self.settings, len(delivery.attempts))
        if delay is None:
            delivery.state, delivery.due = "failed", None
        else:
            delivery.state, delivery.due = "pending", now + delay

    def busy(self, now: float) -> bool:
        """Whether an ACK is awaited or a delivery is due."""
        return any(
            d.state == "sent" or (d.due is not None and d.due <= now) for d in self._eligible()
        )

    def moments(self) -> list[float]:
        """When something falls due: ACK deadlines and sends."""
        found = []
        for delivery in self._eligible():
            moment = delivery.ack_deadline if delivery.state == "sent" else delivery.due
            if moment is not None:
                found.append(moment)
        return found
