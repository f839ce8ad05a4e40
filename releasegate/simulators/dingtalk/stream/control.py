"""The Stream gateway's part of the control client: `DingTalkControl(...).stream`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Call = Callable[..., Any]


class StreamControl:
    """`connection=None` means every open connection."""

    def __init__(self, call: Call) -> None:
        self._call = call

    def status(self) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GET", "stream")
        return found

    def connections(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "stream/connections")
        return found

    def open_connections(self) -> list[dict[str, Any]]:
        return [c for c in self.connections() if c["state"] != "closed"]

    def deliveries(self) -> list[dict[str, Any]]:
        """Every event meant for Stream, with each attempt and its ACK outcome."""
        found: list[dict[str, Any]] = self._call("GET", "stream/deliveries")
        return found

    def pings(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "stream/pings")
        return found

    def ping(self, connection: int | None = None) -> list[dict[str, Any]]:
        """Send a SYSTEM ping now; the pings sent (with their `opaque`)."""
        sent: list[dict[str, Any]] = self._call(
            "POST", "stream/ping", json={"connection": connection}
        )
        return sent

    def disconnect(self, connection: int | None = None, reason: str = "maintenance") -> list[int]:
        """Send SYSTEM disconnect; the socket closes after the grace period (sim clock)."""
        return self._ids("disconnect", connection, reason=reason)

    def silence(self, connection: int | None = None, *, silent: bool = True) -> list[int]:
        return self._ids("silence", connection, silent=silent)

    def drop(self, connection: int | None = None) -> list[int]:
        """Cut the TCP connection without a close frame."""
        return self._ids("drop", connection)

    def _ids(self, action: str, connection: int | None, **extra: Any) -> list[int]:
        ids: list[int] = self._call(
            "POST", f"stream/{action}", json={"connection": connection, **extra}
        )
        return ids

    def redeliver(self, delivery: int) -> dict[str, Any]:
        found: dict[str, Any] = self._call("POST", "stream/redeliver", json={"delivery": delivery})
        return found

    def send_event(self, event_type: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Deliver an event of any type over Stream (HTTP push does not see it)."""
        event: dict[str, Any] = self._call(
            "POST", "stream/events", json={"event_type": event_type, "data": data or {}}
        )
        return event

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until no delivery can be sent now and none awaits an ACK."""
        return bool(self._call("POST", "stream/settle", json={"timeout": timeout})["settled"])

    def modes(self, *, http: bool | None = None, stream: bool | None = None) -> dict[str, bool]:
        """Which channels deliver events; switches those given."""
        changes = {name: on for name, on in (("http", http), ("stream", stream)) if on is not None}
        found: dict[str, bool] = (
            self._call("POST", "events/modes", json=changes)
            if changes
            else self._call("GET", "events/modes")
        )
        return found
