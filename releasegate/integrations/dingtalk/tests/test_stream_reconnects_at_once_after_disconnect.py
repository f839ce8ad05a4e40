from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from releasegate.integrations.dingtalk.tests.streaming import RunningStream, acked, connected
from releasegate.releases.models import InboundEvent
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.tests.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def test_disconnect_opens_a_new_connection_before_the_old_one_is_closed(
    stream_dingtalk: DingTalkSimulator,
    stream_sim: DingTalkControl,
    run_stream: Callable[..., RunningStream],
) -> None:
    # A backoff this long would fail the test: disconnect is not a failure to back off from.
    run_stream(stream_dingtalk, backoff_initial=30.0, backoff_max=30.0)
    connected(stream_sim)

    stream_sim.stream.disconnect(reason="connection is expired")
    old, new = eventually(lambda: _replaced(stream_sim))

    assert old["closed_because"] == "closed by the client"
    assert new["opened_at_ms"] <= old["closed_at_ms"]
    stream_sim.submit("zhangsan", {"项目名称": "mall", "应用名称": "order-service"})
    deliveries = acked(stream_sim, 2)
    assert {a["connection"] for d in deliveries for a in d["attempts"]} == {new["id"]}
    assert InboundEvent.objects.count() == 2


def _replaced(control: DingTalkControl) -> list[dict[str, Any]]:
    found = control.stream.connections()
    states = [c["state"] for c in found]
    return found if states == ["closed", "open"] else []
