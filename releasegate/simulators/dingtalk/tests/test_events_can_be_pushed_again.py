"""DingTalk may push an event more than once, even after a correct "success": the control
API pushes a delivery's event again, as a new delivery carrying the same eventId."""

from __future__ import annotations

import pytest

from releasegate.simulators.dingtalk.control import SimulatorRefused
from releasegate.simulators.dingtalk.tests.conftest import FORM, Pushing
from releasegate.simulators.dingtalk.tests.receiver import EventReceiver


def test_a_delivered_event_is_pushed_again_with_the_same_event_id(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, sim = pushing
    sim.submit("zhangsan", FORM)
    first = sim.events()[0]

    again = sim.redeliver(first["id"])
    assert sim.settle()

    assert again["id"] == len(sim.events())
    assert sim.events()[-1]["state"] == "delivered"
    pushed = [event["eventId"] for event in receiver.events()]
    assert pushed.count(first["event"]["eventId"]) == 2


def test_an_unknown_delivery_is_refused(pushing: Pushing) -> None:
    _, sim = pushing

    with pytest.raises(SimulatorRefused) as refused:
        sim.redeliver(99)

    assert refused.value.status == 404
