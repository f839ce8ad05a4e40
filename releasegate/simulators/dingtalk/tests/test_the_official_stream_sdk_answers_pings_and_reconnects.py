"""The gateway's SYSTEM frames as the official Stream SDK handles them: a `ping` is
answered with its data, which the simulator records as answered; after a `disconnect`
the SDK closes the socket, opens a new connection at once, and the events that come
next reach it there."""

from __future__ import annotations

from typing import Any

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.tests.conftest import FORM, Streaming
from releasegate.simulators.dingtalk.tests.official_stream import WAIT, OfficialStreamClient
from releasegate.tests.waiting import eventually


def _answers(control: DingTalkControl) -> list[str]:
    answers = [ping["answer"] for ping in control.stream.pings()]
    return answers if all(answers) else []


def test_a_ping_is_answered_with_its_data(
    streaming: Streaming, official_stream: OfficialStreamClient
) -> None:
    control = streaming[1]

    control.stream.ping()

    assert eventually(lambda: _answers(control), timeout=WAIT) == ["answered"]


def test_after_a_disconnect_it_reconnects_and_receives_what_comes_next(
    streaming: Streaming, official_stream: OfficialStreamClient
) -> None:
    control = streaming[1]

    control.stream.disconnect(reason="connection is expired")

    def reconnected() -> list[dict[str, Any]]:
        found = control.stream.connections()
        return found if [c["state"] for c in found] == ["closed", "open"] else []

    first, second = eventually(reconnected, timeout=WAIT)
    instance_id = control.submit("zhangsan", FORM)
    event = official_stream.next_event()
    assert control.stream.settle(WAIT)

    assert first["closed_because"] == "closed by the client"
    assert event["data"]["processInstanceId"] == instance_id
    assert {a["connection"] for d in control.stream.deliveries() for a in d["attempts"]} == {
        second["id"]
    }
