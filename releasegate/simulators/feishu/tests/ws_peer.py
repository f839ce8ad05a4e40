"""A long-connection client written by hand from reference section A3 (plain httpx and
websockets, and lark-oapi's generated `pbbp2.Frame` for the frames), so the gateway is
checked against the protocol and against a codec other than its own."""

from __future__ import annotations

import json
from typing import Any

import httpx
from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from websockets.sync.client import ClientConnection, connect

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.tests.waiting import eventually

WAIT = 5.0
CONTROL, DATA = 0, 1


def endpoint(simulator: FeishuSimulator, **body: Any) -> httpx.Response:
    """`POST /callback/ws/endpoint` with the app's credentials, unless `body` says otherwise."""
    settings = simulator.settings
    return endpoint_at(simulator.url, settings.app_id, settings.app_secret, **body)


def endpoint_at(url: str, app_id: str, app_secret: str, **body: Any) -> httpx.Response:
    sent = {"AppID": app_id, "AppSecret": app_secret, **body}
    return httpx.post(
        f"{url}callback/ws/endpoint", json=sent, headers={"locale": "zh"}, timeout=WAIT
    )


def dial(url: str) -> ClientConnection:
    # legacy=True: a connection to keep and close by hand rather than a context manager.
    return connect(url, open_timeout=WAIT, close_timeout=1, legacy=True)


def receive(connection: ClientConnection, timeout: float = WAIT) -> Any:
    """The next frame (a pbbp2.Frame)."""
    frame = Frame()
    frame.ParseFromString(connection.recv(timeout=timeout))
    return frame


def headers(frame: Any) -> dict[str, str]:
    return {header.key: header.value for header in frame.headers}


def receive_event(connection: ClientConnection, timeout: float = WAIT) -> list[Any]:
    """The DATA frames of the next event: one, or its `sum` parts."""
    parts = [receive(connection, timeout)]
    while len(parts) < int(headers(parts[0])["sum"]):
        parts.append(receive(connection, timeout))
    return parts


def payload(parts: list[Any]) -> dict[str, Any]:
    """The event the parts carry, put back together in `seq` order."""
    ordered = sorted(parts, key=lambda part: int(headers(part)["seq"]))
    found: dict[str, Any] = json.loads(b"".join(part.payload for part in ordered))
    return found


def ack(connection: ClientConnection, frame: Any, code: int = 200) -> None:
    """lark-oapi's ACK: the frame echoed with a `biz_rt` header and payload `{"code"}`."""
    echoed = Frame()
    echoed.CopyFrom(frame)
    header = echoed.headers.add()
    header.key, header.value = "biz_rt", "3"
    echoed.payload = json.dumps({"code": code}).encode()
    connection.send(echoed.SerializeToString())


def ping(connection: ClientConnection, service: int) -> None:
    frame = Frame()
    header = frame.headers.add()
    header.key, header.value = "type", "ping"
    frame.SeqID, frame.LogID, frame.service, frame.method = 0, 0, service, CONTROL
    connection.send(frame.SerializeToString())


def registered(control: FeishuControl, count: int) -> list[dict[str, Any]]:
    """The open connections once there are `count`: the gateway lists one when its
    handler starts, just after the client saw the handshake complete."""

    def listed() -> list[dict[str, Any]]:
        found = control.long_connection.open_connections()
        return found if len(found) == count else []

    return eventually(listed)
