from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from websockets.exceptions import ConnectionClosedOK
from websockets.sync.client import ClientConnection

from releasegate.simulators.dingtalk.tests.conftest import FORM, Streaming
from releasegate.simulators.dingtalk.tests.stream_peer import (
    ack,
    receive,
    receive_events,
)
from releasegate.tests.waiting import eventually


def test_disconnect_names_its_reason_then_the_socket_closes_after_the_grace_period(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    simulator, control = streaming
    connection = stream_connect()

    assert control.stream.disconnect(reason="connection is expired") == [1]
    frame = receive(connection)
    assert (frame["type"], frame["headers"]["topic"]) == ("SYSTEM", "disconnect")
    assert json.loads(frame["data"]) == {"reason": "connection is expired"}
    assert control.stream.connections()[0]["state"] == "disconnecting"

    control.advance(simulator.settings.stream_disconnect_grace)
    with pytest.raises(ConnectionClosedOK):
        receive(connection)
    closed = eventually(lambda: control.stream.connections()[0]["closed_at_ms"] is not None)
    assert closed
    assert control.stream.connections()[0]["closed_because"] == "disconnected"


def test_events_go_to_the_new_connection_once_disconnect_was_sent(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    old = stream_connect()
    control.stream.disconnect()
    receive(old)
    new = stream_connect()

    control.submit("zhangsan", FORM)
    frames = receive_events(new, 2)
    for frame in frames:
        ack(new, frame)

    assert control.stream.settle(5)
    assert {a["connection"] for d in control.stream.deliveries() for a in d["attempts"]} == {2}
