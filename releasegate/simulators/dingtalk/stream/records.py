"""What the Stream gateway (gateway.py) keeps: tickets, connections, pings and deliveries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from websockets.sync.server import ServerConnection

from releasegate.simulators.dingtalk.approvals.instances import Event

ConnectionState = Literal["open", "silent", "disconnecting", "closed"]
DeliveryState = Literal["pending", "sent", "acked"]


class UnknownConnection(LookupError):
    """No open connection has that id."""


@dataclass
class Ticket:
    value: str
    issued_at: float
    subscriptions: list[dict[str, str]]
    ua: str


@dataclass
class StreamConnection:
    id: int
    ticket: Ticket
    socket: ServerConnection
    opened_at_ms: int
    last_ping_at: float
    state: ConnectionState = "open"
    close_at: float | None = None
    closed_at_ms: int | None = None
    closed_because: str = ""
    frames_sent: int = 0

    @property
    def takes_events(self) -> bool:
        subscribed = any(s.get("type") == "EVENT" for s in self.ticket.subscriptions)
        return subscribed and self.state in ("open", "silent")

    def takes_callbacks(self, topic: str) -> bool:
        wanted = {"type": "CALLBACK", "topic": topic}
        subscribed = any(s.items() >= wanted.items() for s in self.ticket.subscriptions)
        return subscribed and self.state == "open"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "ticket": self.ticket.value,
            "ua": self.ticket.ua,
            "subscriptions": self.ticket.subscriptions,
            "opened_at_ms": self.opened_at_ms,
            "closed_at_ms": self.closed_at_ms,
            "closed_because": self.closed_because,
            "frames_sent": self.frames_sent,
        }


@dataclass
class Ping:
    message_id: str
    connection: int
    data: str
    sent_at_ms: int
    answer: str = ""  # "answered", or what was wrong with the answer

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "opaque": json.loads(self.data)["opaque"]}


@dataclass
class StreamAttempt:
    at_ms: int
    connection: int
    outcome: str = ""  # empty while the ACK is awaited


@dataclass
class StreamDelivery:
    id: int
    event: Event
    message_id: str
    state: DeliveryState = "pending"
    due: float | None = None
    ack_deadline: float | None = None
    attempts: list[StreamAttempt] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "message_id": self.message_id,
            "event_id": self.event["eventId"],
            "event_type": self.event["EventType"],
            "type": self.event.get("type"),
            "instance_id": self.event.get("processInstanceId"),
            "state": self.state,
            "attempts": [attempt.__dict__ for attempt in self.attempts],
        }


# A frame for a connection, and the delivery it carries (None for SYSTEM frames).
Outgoing = tuple[StreamConnection, dict[str, Any], StreamDelivery | None]


@dataclass
class Work:
    """What the dispatcher does outside the lock: frames to send, sockets to close."""

    frames: list[Outgoing]
    closes: list[StreamConnection]
