"""DingTalk's official Stream SDK (`dingtalk-stream`), unchanged, against the simulator's
gateway: it opens a connection with the app's credentials, its event handler is given
the approval events of a submitted instance with the headers parsed, and the simulator
records the SDK's acknowledgement (code 200, the event's data echoed back)."""

from __future__ import annotations

from importlib.metadata import version

from releasegate.simulators.dingtalk.tests.conftest import FORM, Streaming
from releasegate.simulators.dingtalk.tests.official_stream import WAIT, OfficialStreamClient


def test_it_connects_subscribed_to_every_event(
    streaming: Streaming, official_stream: OfficialStreamClient
) -> None:
    (connection,) = streaming[1].stream.open_connections()

    assert connection["subscriptions"] == [{"type": "EVENT", "topic": "*"}]
    assert connection["ua"] == f"dingtalk-sdk-python/v{version('dingtalk-stream')}-union"


def test_a_submitted_approval_reaches_its_handler_and_the_ack_is_recorded(
    streaming: Streaming, official_stream: OfficialStreamClient
) -> None:
    simulator, control = streaming

    instance_id = control.submit("zhangsan", FORM)
    received = [official_stream.next_event(), official_stream.next_event()]
    assert control.stream.settle(WAIT)

    handled = {event["event_type"]: event for event in received}
    started, task = handled["bpms_instance_change"], handled["bpms_task_change"]
    assert started["data"]["processInstanceId"] == task["data"]["processInstanceId"] == instance_id
    assert (started["data"]["type"], started["data"]["staffId"]) == ("start", "zhangsan")
    assert (task["data"]["type"], task["data"]["staffId"]) == ("start", "lisi")
    assert started["event_corp_id"] == simulator.settings.corp_id
    assert isinstance(started["event_born_time"], int)
    deliveries = {d["event_id"]: d for d in control.stream.deliveries()}
    for event in (started, task):
        delivery = deliveries[event["event_id"]]
        assert (delivery["message_id"], delivery["state"]) == (event["message_id"], "acked")
        assert [a["outcome"] for a in delivery["attempts"]] == ["code 200, data echoed"]
