from __future__ import annotations

import json
from collections.abc import Callable

from websockets.sync.client import ClientConnection

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests.conftest import Streaming
from releasegate.simulators.dingtalk.tests.stream_peer import (
    answer,
    dial,
    open_ticket,
    receive,
    registered,
)
from releasegate.tests.waiting import eventually


def _answers(control: DingTalkControl) -> list[str]:
    """What the pings' answers were, once every ping has one."""
    answers = [ping["answer"] for ping in control.stream.pings()]
    return answers if all(answers) else []


def test_a_ping_is_a_system_frame_answered_with_the_same_data(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connection = stream_connect()

    (sent,) = control.stream.ping()
    frame = receive(connection)
    answer(connection, frame, 200, frame["data"])

    assert frame["type"] == "SYSTEM"
    assert frame["headers"]["topic"] == "ping"
    assert json.loads(frame["data"]) == {"opaque": sent["opaque"]}
    assert eventually(lambda: _answers(control)) == ["answered"]


def test_an_answer_with_other_data_does_not_count(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connection = stream_connect()

    control.stream.ping()
    frame = receive(connection)
    answer(connection, frame, 200, {"opaque": "something else"})

    said = eventually(lambda: _answers(control))
    assert said[0].startswith("code 200, data")


def test_the_gateway_pings_once_an_interval_of_its_clock_has_passed(
    start_dingtalk: Callable[..., DingTalkSimulator],
) -> None:
    simulator = start_dingtalk(stream_ping_interval=30.0)
    body = open_ticket(simulator).json()
    control = DingTalkControl(simulator.url)
    with dial(body["endpoint"], body["ticket"]) as connection:
        registered(control, 1)
        control.advance(30)
        frame = receive(connection)
    control.close()

    assert (frame["type"], frame["headers"]["topic"]) == ("SYSTEM", "ping")
