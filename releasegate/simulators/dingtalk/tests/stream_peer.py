"""A Stream client written by hand from reference section 3.4 (plain httpx and
websockets), so the gateway is checked against the protocol, not against ReleaseGate."""

from __future__ import annotations

import json
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.waiting import eventually

EVENTS = [{"type": "EVENT", "topic": "*"}]
WAIT = 5.0


def open_ticket(simulator: DingTalkSimulator, **body: Any) -> httpx.Response:
    """`POST /v1.0/gateway/connections/open` with the simulator's app credentials, unless
    `body` says otherwise."""
    settings = simulator.settings
    return open_ticket_at(simulator.url, settings.app_key, settings.app_secret, **body)


def open_ticket_at(url: str, app_key: str, app_secret: str, **body: Any) -> httpx.Response:
    sent = {
        "clientId": app_key,
        "clientSecret": app_secret,
        "subscriptions": EVENTS,
        "ua": "stream-peer/1.0",
        "localIp": "127.0.0.1",
        **body,
    }
    return httpx.post(f"{url}v1.0/gateway/connections/open", json=sent, timeout=WAIT)


def dial(endpoint: str, ticket: str) -> ClientConnection:
    # legacy=True: a connection to keep and close by hand rather than a context manager.
    return connect(f"{endpoint}?ticket={ticket}", open_timeout=WAIT, close_timeout=1, legacy=True)


def receive(connection: ClientConnection, timeout: float = WAIT) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(connection.recv(timeout=timeout))
    return frame


def receive_events(connection: ClientConnection, count: int) -> list[dict[str, Any]]:
    """The next `count` EVENT frames (SYSTEM frames in between are skipped)."""
    found: list[dict[str, Any]] = []
    while len(found) < count:
        frame = receive(connection)
        if frame["type"] == "EVENT":
            found.append(frame)
    return found


def answer(connection: ClientConnection, frame: dict[str, Any], code: int, data: Any) -> None:
    connection.send(
        json.dumps(
            {
                "code": code,
                "headers": {
                    "messageId": frame["headers"]["messageId"],
                    "contentType": "application/json",
                },
                "message": "OK" if code == 200 else "error",
                "data": data if isinstance(data, str) else json.dumps(data),
            }
        )
    )


def ack(connection: ClientConnection, frame: dict[str, Any], status: str = "SUCCESS") -> None:
    """The Go SDK's ACK: code 200 + SUCCESS, or code 500 + LATER."""
    code = 200 if status == "SUCCESS" else 500
    answer(connection, frame, code, {"status": status, "message": status.lower()})


def registered(control: DingTalkControl, count: int) -> list[dict[str, Any]]:
    """The gateway's open connections once there are `count`: it lists a connection when
    its handler starts, just after the client saw the handshake complete."""

    def listed() -> list[dict[str, Any]]:
        found = control.stream.open_connections()
        return found if len(found) == count else []

    return eventually(listed)
