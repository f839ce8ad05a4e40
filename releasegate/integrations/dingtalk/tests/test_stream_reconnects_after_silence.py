from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk.tests.streaming import RunningStream, acked, connected
from releasegate.releases.models import InboundEvent
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_connection_that_goes_silent_is_given_up_and_replaced(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
) -> None:
    running = run_stream(stream_dingtalk, silence_seconds=0.3)
    (first,) = connected(stream_sim)

    stream_sim.stream.silence(first["id"])
    stream_sim.submit("zhangsan", {"项目名称": "mall", "应用名称": "order-service"})
    eventually(lambda: len(stream_sim.stream.connections()) == 2)

    assert stream_sim.stream.connections()[0]["state"] == "closed"
    # The simulator sees the socket open a moment before the client counts it.
    eventually(lambda: running.client.connections_opened == 2)
    # The events lost on the zombie are delivered again once their ACK is overdue.
    stream_sim.advance(stream_dingtalk.settings.stream_ack_timeout)
    acked(stream_sim, 2)
    assert InboundEvent.objects.count() == 2
