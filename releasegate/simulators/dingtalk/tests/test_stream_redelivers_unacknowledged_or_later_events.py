from __future__ import annotations

from collections.abc import Callable

import pytest
from websockets.sync.client import ClientConnection

from releasegate.simulators.dingtalk.tests.conftest import FORM, Streaming
from releasegate.simulators.dingtalk.tests.stream_peer import ack, answer, receive_events


def _submitted(streaming: Streaming, connection: ClientConnection) -> dict[str, object]:
    streaming[1].submit("zhangsan", FORM)
    started, task = receive_events(connection, 2)
    ack(connection, task)
    return started


def test_an_event_without_an_ack_is_delivered_again_after_the_timeout(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    simulator, control = streaming
    connection = stream_connect()
    first = _submitted(streaming, connection)

    control.advance(simulator.settings.stream_ack_timeout)
    (again,) = receive_events(connection, 1)
    ack(connection, again)

    assert again["headers"]["eventId"] == first["headers"]["eventId"]  # type: ignore[index]
    assert again["data"] == first["data"]
    assert control.stream.settle(5)
    delivery = control.stream.deliveries()[0]
    assert [a["outcome"] for a in delivery["attempts"]] == ["no ACK within 10 s", "SUCCESS"]


@pytest.mark.parametrize(
    ("code", "data", "outcome"),
    [
        (500, {"status": "LATER", "message": "busy"}, "code 500 LATER"),
        (200, {"status": "LATER"}, "code 200 LATER"),
        (500, "{}", "code 500"),
    ],
)
def test_later_or_an_error_code_is_delivered_again_after_the_retry_delay(
    streaming: Streaming,
    stream_connect: Callable[[], ClientConnection],
    code: int,
    data: object,
    outcome: str,
) -> None:
    simulator, control = streaming
    connection = stream_connect()
    first = _submitted(streaming, connection)

    answer(connection, first, code, data)
    assert control.stream.settle(5)
    assert control.stream.deliveries()[0]["state"] == "pending"
    control.advance(simulator.settings.stream_retry_delay)
    (again,) = receive_events(connection, 1)
    ack(connection, again)

    assert again["headers"]["eventId"] == first["headers"]["eventId"]  # type: ignore[index]
    assert control.stream.settle(5)
    delivery = control.stream.deliveries()[0]
    assert [a["outcome"] for a in delivery["attempts"]] == [outcome, "SUCCESS"]
    assert delivery["state"] == "acked"


def test_an_acknowledged_event_can_still_be_delivered_again(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connection = stream_connect()
    first = _submitted(streaming, connection)
    ack(connection, first)
    assert control.stream.settle(5)

    control.stream.redeliver(1)
    (again,) = receive_events(connection, 1)

    assert again["headers"]["eventId"] == first["headers"]["eventId"]  # type: ignore[index]
