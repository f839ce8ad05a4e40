from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError

from releasegate.integrations.dingtalk import stream
from releasegate.integrations.dingtalk.tests.streaming import RunningStream, acked, connected
from releasegate.releases import inbox
from releasegate.releases.models import InboundEvent
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_database_failure_answers_later_and_the_redelivery_is_stored(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failures = [OperationalError("database is locked")]
    record = inbox.record_delivery

    def failing_once(**delivery: Any) -> Any:
        if failures:
            raise failures.pop()
        return record(**delivery)

    monkeypatch.setattr(stream, "record_delivery", failing_once)
    run_stream(stream_dingtalk)
    connected(stream_sim)

    sent = stream_sim.stream.send_event("bpms_task_change", {"processInstanceId": "inst-9"})
    # Its first attempt answered (not merely sent) before the gateway's clock moves on:
    # a busy machine may take longer to answer than the gateway waits for an ACK.
    eventually(
        lambda: (
            [a["outcome"] for a in stream_sim.stream.deliveries()[0]["attempts"]]
            == ["code 500 LATER"]
        )
    )
    assert InboundEvent.objects.count() == 0
    stream_sim.advance(stream_dingtalk.settings.stream_retry_delay)
    (delivery,) = acked(stream_sim, 1)

    assert [a["outcome"] for a in delivery["attempts"]] == ["code 500 LATER", "SUCCESS"]
    stored = InboundEvent.objects.get()
    assert (stored.delivery_id, stored.instance_id) == (sent["eventId"], "inst-9")
