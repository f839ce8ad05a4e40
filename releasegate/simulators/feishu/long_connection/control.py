"""The long connection's part of the control client: `FeishuControl(...).long_connection`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Call = Callable[..., Any]


class LongConnectionControl:
    """`connection=None` means every open connection."""

    def __init__(self, call: Call) -> None:
        self._call = call

    def status(self) -> dict[str, Any]:
        """The gateway's `address`, `event_delivery`, `client_config`, `connection_limit`."""
        found: dict[str, Any] = self._call("GET", "long-connection")
        return found

    def connections(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._call("GET", "long-connection/connections")
        return found

    def open_connections(self) -> list[dict[str, Any]]:
        return [c for c in self.connections() if c["state"] == "open"]

    def deliveries(self, state: str | None = None) -> list[dict[str, Any]]:
        """Every event meant for the long connection (or those in `state`: pending, sent,
        delivered, failed), each attempt with its connection, message_id, parts and ACK
        outcome."""
        found: list[dict[str, Any]] = self._call("GET", "long-connection/deliveries")
        return [d for d in found if state in (None, d["state"])]

    def close(self, connection: int | None = None, code: int = 1000, reason: str = "") -> list[int]:
        """Close with a close frame."""
        payload = {"connection": connection, "code": code, "reason": reason}
        ids: list[int] = self._call("POST", "long-connection/close", json=payload)
        return ids

    def drop(self, connection: int | None = None) -> list[int]:
        """Cut the TCP connection without a close frame."""
        ids: list[int] = self._call("POST", "long-connection/drop", json={"connection": connection})
        return ids

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until no delivery is due now and none awaits an ACK."""
        payload = {"timeout": timeout}
        return bool(self._call("POST", "long-connection/settle", json=payload)["settled"])

    def mode(self, mode: str | None = None) -> str:
        """How events are delivered (webhook, long_connection, off); switches to `mode`."""
        if mode is None:
            return str(self._call("GET", "events/delivery")["mode"])
        return str(self._call("POST", "events/delivery", json={"mode": mode})["mode"])
