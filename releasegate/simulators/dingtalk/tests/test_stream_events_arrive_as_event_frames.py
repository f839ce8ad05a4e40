from __future__ import annotations

import json
from collections.abc import Callable

from websockets.sync.client import ClientConnection

from releasegate.simulators.dingtalk.tests.conftest import FORM, Streaming
from releasegate.simulators.dingtalk.tests.stream_peer import ack, receive_events

HEADERS = {
    "topic",
    "messageId",
    "contentType",
    "time",
    "eventType",
    "eventId",
    "eventCorpId",
    "eventBornTime",
    "eventUnifiedAppId",
}


def test_a_new_instance_arrives_as_event_frames_with_string_headers(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    simulator, control = streaming
    connection = stream_connect()

    instance_id = control.submit("zhangsan", FORM)
    started, task = receive_events(connection, 2)

    assert started["specVersion"] == "1.0"
    assert set(started["headers"]) == HEADERS
    assert all(isinstance(value, str) for value in started["headers"].values())
    headers = started["headers"]
    assert (headers["topic"], headers["contentType"]) == ("*", "application/json")
    assert headers["eventType"] == "bpms_instance_change"
    assert headers["eventCorpId"] == simulator.settings.corp_id
    assert headers["eventBornTime"].isdigit() and headers["time"].isdigit()
    assert isinstance(started["data"], str)
    data = json.loads(started["data"])
    assert data["processInstanceId"] == instance_id
    assert (data["type"], data["staffId"]) == ("start", "zhangsan")
    assert "EventType" not in data and "eventId" not in data
    assert task["headers"]["eventType"] == "bpms_task_change"
    assert json.loads(task["data"])["staffId"] == "lisi"


def test_the_event_id_and_message_id_are_those_listed_and_an_ack_delivers(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    connection = stream_connect()
    control.submit("zhangsan", FORM)

    frames = receive_events(connection, 2)
    for frame in frames:
        ack(connection, frame)

    assert control.stream.settle(5)
    listed = control.stream.deliveries()
    assert [(d["event_id"], d["message_id"]) for d in listed] == [
        (f["headers"]["eventId"], f["headers"]["messageId"]) for f in frames
    ]
    assert [d["state"] for d in listed] == ["acked", "acked"]
    assert [a["outcome"] for d in listed for a in d["attempts"]] == ["SUCCESS", "SUCCESS"]


def test_events_wait_for_a_connection(
    streaming: Streaming, stream_connect: Callable[[], ClientConnection]
) -> None:
    _, control = streaming
    control.submit("zhangsan", FORM)
    assert [d["state"] for d in control.stream.deliveries()] == ["pending", "pending"]

    frames = receive_events(stream_connect(), 2)

    assert [f["headers"]["eventType"] for f in frames] == [
        "bpms_instance_change",
        "bpms_task_change",
    ]
