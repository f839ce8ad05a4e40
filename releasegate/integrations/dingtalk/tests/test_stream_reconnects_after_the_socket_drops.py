from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk.tests.streaming import RunningStream, acked, connected
from releasegate.releases.models import InboundEvent
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_dropped_socket_is_replaced_and_events_flow_again(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
) -> None:
    running = run_stream(stream_dingtalk)
    connected(stream_sim)

    stream_sim.stream.drop()
    eventually(lambda: [c["state"] for c in stream_sim.stream.connections()] == ["closed", "open"])

    assert stream_sim.stream.connections()[0]["closed_because"] == "dropped"
    # The simulator sees the socket open a moment before the client counts it.
    eventually(lambda: running.client.connections_opened == 2)
    stream_sim.submit("zhangsan", {"项目名称": "mall", "应用名称": "order-service"})
    acked(stream_sim, 2)
    assert InboundEvent.objects.count() == 2


def test_while_dingtalk_cannot_be_reached_it_keeps_trying(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
) -> None:
    running = run_stream(stream_dingtalk, api_base="http://127.0.0.1:9/")

    assert not running.join(0.5)  # still trying, with backoff
    assert running.error is None
    assert running.client.connections_opened == 0
