from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.tests.instances import dingtalk_sources
from releasegate.integrations.dingtalk.tests.streaming import RunningStream, acked, connected
from releasegate.releases.inbox import process
from releasegate.releases.models import InboundEvent
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_redelivered_event_is_stored_again_and_processed_as_a_duplicate(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
    connect_dingtalk: Callable[..., DingTalkClient],
) -> None:
    run_stream(stream_dingtalk)
    connected(stream_sim)
    stream_sim.submit("zhangsan", {"项目名称": "mall", "应用名称": "order-service"})
    first_delivery = acked(stream_sim, 2)[0]

    stream_sim.stream.redeliver(first_delivery["id"])
    eventually(lambda: InboundEvent.objects.count() == 3)

    first, _, again = InboundEvent.objects.order_by("pk")
    assert first.delivery_id == again.delivery_id == first_delivery["event_id"]
    source = dingtalk_sources(connect_dingtalk(stream_dingtalk))
    assert not process(first.pk, source).startswith("will retry")
    assert process(again.pk, source) == "duplicate delivery: already processed"
