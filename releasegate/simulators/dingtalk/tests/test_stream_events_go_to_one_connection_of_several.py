from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from websockets.sync.client import ClientConnection

from releasegate.simulators.dingtalk.tests.conftest import FORM, Streaming
from releasegate.simulators.dingtalk.tests.stream_peer import ack, dial, open_ticket, receive


def test_each_event_reaches_exactly_one_of_the_open_connections(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connections = [stream_connect() for _ in range(3)]

    for _ in range(4):
        control.submit("zhangsan", FORM)
    received: list[str] = []
    for connection in connections:
        while True:
            try:
                frame = receive(connection, timeout=0.3)
            except TimeoutError:
                break
            ack(connection, frame)
            received.append(frame["headers"]["eventId"])

    assert control.stream.settle(5)
    listed = control.stream.deliveries()
    assert sorted(received) == sorted(d["event_id"] for d in listed)
    assert all(len(d["attempts"]) == 1 for d in listed)
    assert len({a["connection"] for d in listed for a in d["attempts"]}) > 1


def test_a_connection_without_an_event_subscription_gets_no_events(
    streaming: Streaming,
) -> None:
    simulator, control = streaming
    body = open_ticket(
        simulator, subscriptions=[{"type": "CALLBACK", "topic": "/v1.0/im/bot/messages/get"}]
    ).json()
    with dial(body["endpoint"], body["ticket"]) as connection:
        control.submit("zhangsan", FORM)
        with pytest.raises(TimeoutError):
            receive(connection, timeout=0.3)

    assert json.dumps(control.stream.deliveries()).count('"pending"') == 2
