"""What the long-connection gateway (gateway.py) keeps: connections, deliveries and their
attempts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from websockets.sync.server import ServerConnection

ConnectionState = Literal["open", "closed"]
DeliveryState = Literal["pending", "sent", "delivered", "failed"]


class UnknownConnection(LookupError):
    """No open connection has that id."""


@dataclass
class Connection:
    id: int
    device_id: str
    service_id: int
    socket: ServerConnection
    opened_at_ms: int
    state: ConnectionState = "open"
    closed_at_ms: int | None = None
    closed_because: str = ""
    pings: int = 0
    last_ping_at_ms: int | None = None
    frames_sent: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "device_id": self.device_id,
            "service_id": self.service_id,
            "opened_at_ms": self.opened_at_ms,
            "closed_at_ms": self.closed_at_ms,
            "closed_because": self.closed_because,
            "pings": self.pings,
            "last_ping_at_ms": self.last_ping_at_ms,
            "frames_sent": self.frames_sent,
        }


@dataclass
class Attempt:
    at_ms: int
    connection: int | None
    message_id: str
    parts: int
    outcome: str = ""  # empty while the ACK is awaited


@dataclass
class Delivery:
    """One event for the long connection; `envelope` is the v1 JSON a webhook push gets."""

    id: int
    envelope: dict[str, Any]
    instance_code: str
    state: DeliveryState = "pending"
    due: float | None = None
    ack_deadline: float | None = None
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
            "attempts": [attempt.__dict__ for attempt in self.attempts],
        }


@dataclass
class Work:
    """What the dispatcher does outside the lock: the frames of one delivery attempt (or
    none: no connection was open), or a socket to close."""

    delivery: Delivery | None = None
    connection: Connection | None = None
    frames: list[bytes] = field(default_factory=list)
