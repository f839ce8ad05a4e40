from __future__ import annotations

from collections.abc import Callable

import pytest
from websockets.sync.client import ClientConnection

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests.conftest import DEMO, FORM, Pushing, Streaming
from releasegate.simulators.dingtalk.tests.receiver import EventReceiver
from releasegate.simulators.dingtalk.tests.stream_peer import (
    dial,
    open_ticket_at,
    receive,
    receive_events,
)
from releasegate.simulators.process import SimulatorProcess


def test_by_default_events_go_both_ways(pushing: Pushing, receiver: EventReceiver) -> None:
    _, control = pushing

    control.submit("zhangsan", FORM)

    assert control.stream.modes() == {"http": True, "stream": True}
    assert len(receiver.events()) == 2
    assert len(control.stream.deliveries()) == 2


def test_switching_http_push_off_leaves_stream_alone(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, control = pushing

    assert control.stream.modes(http=False) == {"http": False, "stream": True}
    control.submit("zhangsan", FORM)

    assert receiver.events() == []
    assert len(control.stream.deliveries()) == 2


def test_switching_stream_off_sends_no_frames(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connection = stream_connect()

    control.stream.modes(stream=False)
    control.submit("zhangsan", FORM)

    with pytest.raises(TimeoutError):
        receive(connection, timeout=0.3)
    assert control.stream.deliveries() == []
    assert control.stream.status()["delivers_events"] is False


def test_simulators_are_configured_by_setting(
    start_dingtalk: Callable[..., DingTalkSimulator],
) -> None:
    simulator = start_dingtalk(http_push=False)
    control = DingTalkControl(simulator.url)

    assert control.stream.modes() == {"http": False, "stream": True}
    control.close()


def test_the_simulate_command_takes_a_push_option() -> None:
    with SimulatorProcess("dingtalk", ["--push", "stream"]) as process:
        control = DingTalkControl(process.url)
        assert control.stream.modes() == {"http": False, "stream": True}
        endpoint = control.stream.status()["endpoint"]
        opened = open_ticket_at(process.url, DEMO.app_key, DEMO.app_secret)
        with dial(endpoint, opened.json()["ticket"]) as connection:
            control.submit("zhangsan", FORM)
            assert len(receive_events(connection, 2)) == 2
        control.close()
