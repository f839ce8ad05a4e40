"""An event on the long connection: DATA frames with headers type=event, message_id, sum,
seq and trace_id, the service id of the URL, and the same v1 JSON a webhook push gets,
unencrypted; split into `sum` parts when longer than `ws_part_size`; acknowledged by the
frame echoed with `{"code": 200}`. A client's ping is answered `pong` with ClientConfig."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from websockets.sync.client import ClientConnection

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.tests.conftest import DEMO, LongConnected
from releasegate.simulators.feishu.tests.ws_peer import (
    CONTROL,
    DATA,
    ack,
    dial,
    endpoint,
    headers,
    payload,
    ping,
    receive,
    receive_event,
    registered,
)

FORM = {"项目名称": "mall", "应用名称": "order-service"}


def test_an_event_is_one_data_frame_with_the_webhooks_json(
    long_connected: LongConnected, ws_connect: Callable[[], ClientConnection]
) -> None:
    _, control = long_connected
    connection = ws_connect()

    code = control.submit(FORM)
    (frame,) = receive_event(connection)

    sent = headers(frame)
    assert (frame.method, sent["type"], sent["sum"], sent["seq"]) == (DATA, "event", "1", "0")
    assert sent["message_id"] and sent["trace_id"]
    (connected,) = control.long_connection.connections()
    assert frame.service == connected["service_id"]
    event = payload([frame])
    assert (event["type"], event["token"]) == ("event_callback", DEMO.verification_token)
    assert (event["event"]["type"], event["event"]["instance_code"]) == ("approval_instance", code)
    (delivery, *_) = control.long_connection.deliveries()
    assert delivery["envelope"] == event
    assert delivery["attempts"][0]["message_id"] == sent["message_id"]


def test_the_echoed_frame_acknowledges_it(
    long_connected: LongConnected, ws_connect: Callable[[], ClientConnection]
) -> None:
    _, control = long_connected
    connection = ws_connect()
    control.submit(FORM)

    for _ in range(3):  # each waits for the ACK of the one before (one instance)
        (frame,) = receive_event(connection)
        ack(connection, frame)
    assert control.long_connection.settle()

    deliveries = control.long_connection.deliveries()
    assert [d["state"] for d in deliveries] == ["delivered"] * 3
    assert [a["outcome"] for d in deliveries for a in d["attempts"]] == ["success"] * 3


def test_a_long_event_comes_in_parts_put_together_by_seq(
    start_feishu: Callable[..., FeishuSimulator],
) -> None:
    simulator = start_feishu(event_delivery="long_connection", ws_part_size=64)
    answer = endpoint(simulator).json()
    with dial(answer["data"]["URL"]) as connection:
        control = FeishuControl(simulator.url)
        registered(control, 1)
        control.submit(FORM)
        events = []
        for _ in range(3):
            events.append(receive_event(connection))
            ack(connection, events[-1][-1])
        parts = events[0]
        assert control.long_connection.settle()
        deliveries = control.long_connection.deliveries()
        control.close()

    whole = json.dumps(deliveries[0]["envelope"], ensure_ascii=False, separators=(",", ":"))
    assert len(parts) == -(-len(whole.encode()) // 64) > 1
    assert [headers(p)["seq"] for p in parts] == [str(i) for i in range(len(parts))]
    assert {headers(p)["sum"] for p in parts} == {str(len(parts))}
    assert len({headers(p)["message_id"] for p in parts}) == 1
    assert payload(parts) == deliveries[0]["envelope"]
    assert deliveries[0]["attempts"][0]["parts"] == len(parts)
    assert deliveries[0]["state"] == "delivered"


def test_a_ping_is_answered_with_a_pong_carrying_the_client_config(
    start_feishu: Callable[..., FeishuSimulator],
) -> None:
    simulator = start_feishu(ws_ping_interval=7, ws_reconnect_interval=3)
    answer = endpoint(simulator).json()
    service = int(parse_qs(urlsplit(answer["data"]["URL"]).query)["service_id"][0])
    with dial(answer["data"]["URL"]) as connection:
        ping(connection, service)
        pong = receive(connection)

    assert (pong.method, headers(pong), pong.service) == (CONTROL, {"type": "pong"}, service)
    assert json.loads(pong.payload) == answer["data"]["ClientConfig"]
    assert answer["data"]["ClientConfig"] == {
        "ReconnectCount": -1,
        "ReconnectInterval": 3,
        "ReconnectNonce": 30,
        "PingInterval": 7,
    }
