from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from releasegate.integrations.dingtalk import stream
from releasegate.integrations.dingtalk.tests.streaming import RunningStream, acked, connected
from releasegate.releases import inbox
from releasegate.releases.models import InboundEvent
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_ack_goes_out_once_the_row_is_committed(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    storing, release = threading.Event(), threading.Event()
    record = inbox.record_delivery

    def held(**delivery: Any) -> Any:
        storing.set()
        assert release.wait(5)
        return record(**delivery)

    monkeypatch.setattr(stream, "record_delivery", held)
    run_stream(stream_dingtalk)
    connected(stream_sim)

    sent = stream_sim.stream.send_event("bpms_instance_change", {"processInstanceId": "inst-7"})
    assert storing.wait(5)
    assert [d["state"] for d in stream_sim.stream.deliveries()] == ["sent"]
    assert InboundEvent.objects.count() == 0

    release.set()
    (delivery,) = acked(stream_sim, 1)

    assert delivery["attempts"][0]["outcome"] == "SUCCESS"
    assert eventually(lambda: InboundEvent.objects.count()) == 1
    assert InboundEvent.objects.get().delivery_id == sent["eventId"]
