"""Cluster mode (reference section A3): with several connections open, each event goes to
one of them only."""

from __future__ import annotations

from collections.abc import Callable

from websockets.sync.client import ClientConnection

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.tests.conftest import LongConnected
from releasegate.simulators.feishu.tests.ws_peer import ack, payload, receive_event
from releasegate.tests.waiting import eventually


def test_each_event_is_sent_on_one_connection(
    long_connected: LongConnected, ws_connect: Callable[[], ClientConnection]
) -> None:
    _, control = long_connected
    connections = [ws_connect(), ws_connect(), ws_connect()]
    codes = [control.submit({"项目名称": "mall", "应用名称": "order-service"}) for _ in range(2)]
    received: list[str] = []

    while len(received) < 6:
        # The oldest frame on the connection the next delivery went to (maybe another's).
        (sent, *_) = eventually(lambda: control.long_connection.deliveries("sent"))
        on = connections[sent["attempts"][-1]["connection"] - 1]
        (frame,) = receive_event(on)
        ack(on, frame)
        received.append(payload([frame])["uuid"])
        eventually(lambda: received[-1] not in _awaiting_ack(control))
    assert control.long_connection.settle()

    deliveries = control.long_connection.deliveries()
    assert sorted(received) == sorted(d["uuid"] for d in deliveries)
    assert {d["instance_code"] for d in deliveries} == set(codes)
    assert [len(d["attempts"]) for d in deliveries] == [1] * 6
    frames = sum(c["frames_sent"] for c in control.long_connection.connections())
    assert frames == 6


def _awaiting_ack(control: FeishuControl) -> list[str]:
    return [d["uuid"] for d in control.long_connection.deliveries("sent")]
