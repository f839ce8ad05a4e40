from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk.tests.streaming import RunningStream, acked, connected
from releasegate.releases.models import InboundEvent
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = pytest.mark.django_db(transaction=True)

FORM = {"项目名称": "mall", "应用名称": "order-service"}


def test_an_approvals_events_arrive_over_stream_and_are_stored_with_their_event_id(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
) -> None:
    run_stream(stream_dingtalk)
    connected(stream_sim)

    instance_id = stream_sim.submit("zhangsan", FORM)
    stream_sim.agree(instance_id, "lisi")
    stream_sim.agree(instance_id, "wangwu")
    deliveries = acked(stream_sim, 6)

    stored = list(InboundEvent.objects.order_by("pk"))
    assert [(e.via, e.event_type, e.instance_id, e.delivery_id) for e in stored] == [
        ("stream", d["event_type"], instance_id, d["event_id"]) for d in deliveries
    ]
    assert (stored[0].payload["type"], stored[-1].payload["type"]) == ("start", "finish")
    assert stored[-1].payload["result"] == "agree"
    assert stored[-1].payload["processInstanceId"] == instance_id
    assert all(e.processed_at is None for e in stored)  # processing comes after


def test_events_not_about_approvals_are_acknowledged_and_not_stored(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
) -> None:
    run_stream(stream_dingtalk)
    connected(stream_sim)

    stream_sim.stream.send_event("user_add_org", {"UserId": ["zhaoliu"]})
    (delivery,) = acked(stream_sim, 1)

    assert delivery["attempts"][0]["outcome"] == "SUCCESS"
    assert InboundEvent.objects.count() == 0


def test_events_sent_before_the_client_connected_arrive_once_it_does(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
) -> None:
    stream_sim.submit("zhangsan", FORM)

    run_stream(stream_dingtalk)
    acked(stream_sim, 2)

    assert InboundEvent.objects.filter(via="stream").count() == 2
