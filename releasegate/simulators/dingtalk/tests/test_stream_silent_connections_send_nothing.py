from __future__ import annotations

from collections.abc import Callable

import pytest
from websockets.sync.client import ClientConnection

from releasegate.simulators.dingtalk.tests.conftest import FORM, Streaming
from releasegate.simulators.dingtalk.tests.stream_peer import ack, receive, receive_events


def test_a_silent_connection_gets_no_events_and_no_pings(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connection = stream_connect()

    assert control.stream.silence() == [1]
    control.submit("zhangsan", FORM)
    control.stream.ping()

    with pytest.raises(TimeoutError):
        receive(connection, timeout=0.3)
    assert control.stream.connections()[0]["state"] == "silent"
    outcomes = [d["attempts"][0]["outcome"] for d in control.stream.deliveries()]
    assert outcomes == ["lost: the connection is silent"] * 2


def test_events_lost_on_a_silent_connection_are_delivered_on_a_new_one(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    simulator, control = streaming
    silent = stream_connect()
    control.stream.silence()
    control.submit("zhangsan", FORM)
    silent.close()
    fresh = stream_connect()

    control.advance(simulator.settings.stream_ack_timeout)
    for frame in receive_events(fresh, 2):
        ack(fresh, frame)

    assert control.stream.settle(5)
    assert [d["state"] for d in control.stream.deliveries()] == ["acked", "acked"]


def test_a_silent_connection_can_speak_again(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connection = stream_connect()
    control.stream.silence()

    control.stream.silence(silent=False)
    control.stream.ping()

    assert receive(connection)["headers"]["topic"] == "ping"
