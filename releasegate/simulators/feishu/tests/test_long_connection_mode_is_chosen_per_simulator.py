"""How events reach the app is chosen per simulator, as the console's 订阅方式 is: pushed
to the event URL (the default), over the long connection, or not at all; by setting, on
the command line or through the control API."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.simulators.feishu.control import FeishuControl, SimulatorRefused
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.tests.conftest import DEMO, Pushing
from releasegate.simulators.feishu.tests.receiver import EventReceiver
from releasegate.simulators.feishu.tests.ws_peer import (
    ack,
    dial,
    endpoint_at,
    payload,
    receive_event,
    registered,
)
from releasegate.simulators.process import SimulatorProcess

FORM = {"项目名称": "mall", "应用名称": "order-service"}


def test_by_default_events_are_pushed_to_the_event_url(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, control = pushing

    control.submit(FORM)

    assert control.long_connection.mode() == "webhook"
    assert len(receiver.events) == 3
    assert control.long_connection.deliveries() == []


def test_switched_to_the_long_connection_nothing_is_pushed(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, control = pushing

    assert control.long_connection.mode("long_connection") == "long_connection"
    control.submit(FORM)

    assert receiver.events == []
    assert control.events() == []
    assert len(control.long_connection.deliveries()) == 3


def test_switched_off_events_go_nowhere(pushing: Pushing, receiver: EventReceiver) -> None:
    _, control = pushing

    control.long_connection.mode("off")
    control.submit(FORM)

    assert receiver.events == []
    assert control.events() == control.long_connection.deliveries() == []


def test_an_unknown_mode_is_refused(pushing: Pushing) -> None:
    with pytest.raises(SimulatorRefused) as refused:
        pushing[1].long_connection.mode("carrier-pigeon")
    assert refused.value.status == 400


def test_simulators_are_configured_by_setting(
    start_feishu: Callable[..., FeishuSimulator],
) -> None:
    simulator = start_feishu(event_delivery="long_connection")
    control = FeishuControl(simulator.url)

    assert control.long_connection.status()["event_delivery"] == "long_connection"
    control.close()


def test_the_simulate_command_takes_a_long_connection_flag() -> None:
    with SimulatorProcess("feishu", ["--long-connection"]) as process:
        control = FeishuControl(process.url)
        url = endpoint_at(process.url, DEMO.app_id, DEMO.app_secret).json()["data"]["URL"]
        with dial(url) as connection:
            registered(control, 1)
            control.submit(FORM)
            (frame,) = receive_event(connection)
            ack(connection, frame)
        control.close()

    assert payload([frame])["event"]["type"] == "approval_instance"
