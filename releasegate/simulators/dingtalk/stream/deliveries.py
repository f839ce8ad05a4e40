"""The Stream gateway's deliveries and their schedule (reference section 3.4, reliability).

A delivery waits until it is due, is sent to a connection and then awaits its ACK:
SUCCESS (or the Python SDK's echo) ends it; LATER or a code other than 200 makes it due
again `stream_retry_delay` later; no ACK within `stream_ack_timeout` makes it due at once.
Times are sim-clock seconds. Not thread-safe: the gateway calls it holding its lock.
"""

from __future__ import annotations

from typing import Any

from releasegate.simulators.dingtalk.approvals.instances import Event
from releasegate.simulators.dingtalk.settings import SimSettings
from releasegate.simulators.dingtalk.stream.frames import Answer, message_id
from releasegate.simulators.dingtalk.stream.records import StreamAttempt, StreamDelivery


class StreamQueue:
    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.deliveries: list[StreamDelivery] = []  # all of them, for the control API
        self._waiting: list[StreamDelivery] = []  # to be sent when due
        self._in_flight: dict[str, StreamDelivery] = {}  # awaiting an ACK, by messageId

    def enqueue(self, events: list[Event], now: float) -> None:
        for event in events:
            delivery = StreamDelivery(len(self.deliveries) + 1, event, message_id())
            self.deliveries.append(delivery)
            self._wait(delivery, now)

    def redeliver(self, delivery_id: int, now: float) -> dict[str, Any]:
        """Make a delivery due again, as DingTalk may even after a correct ACK."""
        if not 0 < delivery_id <= len(self.deliveries):
            raise LookupError(f"no stream delivery {delivery_id}")
        delivery = self.deliveries[delivery_id - 1]
        self._wait(delivery, now)
        return delivery.as_dict()

    def take_due(self, now: float) -> list[StreamDelivery]:
        """Deliveries to send now, taken off the waiting list (first, ACKs overdue)."""
        for delivery in list(self._in_flight.values()):
            if (delivery.ack_deadline or 0) <= now:
                attempt = delivery.attempts[-1]
                timeout = self.settings.stream_ack_timeout
                attempt.outcome = attempt.outcome or f"no ACK within {timeout:g} s"
                self._wait(delivery, now)
        due = [d for d in self._waiting if (d.due or 0) <= now]
        if due:
            self._waiting = [d for d in self._waiting if (d.due or 0) > now]
        return due

    def sending(self, delivery: StreamDelivery, connection: int, now: float) -> None:
        delivery.state, delivery.due = "sent", None
        delivery.ack_deadline = now + self.settings.stream_ack_timeout
        delivery.attempts.append(StreamAttempt(int(now * 1000), connection))
        self._in_flight[delivery.message_id] = delivery

    def not_sent(self, delivery: StreamDelivery, now: float) -> None:
        """The socket was gone: the delivery is due again at once."""
        delivery.attempts[-1].outcome = "the connection was closed"
        self._wait(delivery, now)

    def answered(self, answer: Answer, now: float) -> bool:
        """Apply an ACK; False when it is not for a delivery awaiting one."""
        delivery = self._in_flight.pop(answer.message_id, None)
        if delivery is None:
            return False
        delivered, outcome = answer.event_outcome()
        delivery.attempts[-1].outcome = outcome
        if delivered:
            delivery.state, delivery.due, delivery.ack_deadline = "acked", None, None
        else:
            self._wait(delivery, now + self.settings.stream_retry_delay)
        return True

    def busy(self, now: float, can_send: bool) -> bool:
        """Whether an ACK is awaited or (with a connection to send to) a delivery is due."""
        due = can_send and any((d.due or 0) <= now for d in self._waiting)
        return bool(self._in_flight) or due

    def moments(self, can_send: bool) -> list[float]:
        """When something falls due: ACK deadlines, and sends when there is a connection."""
        found = [d.ack_deadline for d in self._in_flight.values() if d.ack_deadline is not None]
        if can_send:
            found += [d.due for d in self._waiting if d.due is not None]
        return found

    def _wait(self, delivery: StreamDelivery, due: float) -> None:
        self._in_flight.pop(delivery.message_id, None)
        delivery.state, delivery.due, delivery.ack_deadline = "pending", due, None
        if all(waiting is not delivery for waiting in self._waiting):
            self._waiting.append(delivery)
