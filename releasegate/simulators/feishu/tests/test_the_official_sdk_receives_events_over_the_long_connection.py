"""lark-oapi's long-connection client (`lark.ws.Client`), unchanged, against the
simulator: it asks `/callback/ws/endpoint` for a URL, connects, pings at once and is
answered, its v1 handlers are given a submitted instance's approval events, and the
simulator records its ACKs; with a wrong App Secret the SDK gives up with code 514."""

from __future__ import annotations

from collections.abc import Callable

from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.tests.conftest import LongConnected
from releasegate.simulators.feishu.tests.official_ws import WAIT, OfficialWsClient
from releasegate.tests.waiting import eventually

FORM = {"项目名称": "mall", "应用名称": "order-service"}


def test_a_submitted_approval_reaches_its_handlers_and_the_acks_are_recorded(
    long_connected: LongConnected, official_ws: OfficialWsClient
) -> None:
    control = long_connected[1]

    code = control.submit(FORM)
    handled = [official_ws.next_line() for _ in range(3)]
    assert control.long_connection.settle(WAIT)

    assert [line["event"]["type"] for line in handled] == [
        "approval_instance",
        "approval_task",
        "approval_task",
    ]
    assert {line["event"]["instance_code"] for line in handled} == {code}
    deliveries = control.long_connection.deliveries()
    assert [d["uuid"] for d in deliveries] == [line["uuid"] for line in handled]
    assert [[a["outcome"] for a in d["attempts"]] for d in deliveries] == [["success"]] * 3
    assert {d["state"] for d in deliveries} == {"delivered"}


def test_it_pings_as_soon_as_it_connects(
    long_connected: LongConnected, official_ws: OfficialWsClient
) -> None:
    control = long_connected[1]

    (connection,) = eventually(
        lambda: [c for c in control.long_connection.connections() if c["pings"]], timeout=WAIT
    )

    assert connection["state"] == "open"
    assert connection["last_ping_at_ms"] is not None


def test_a_wrong_app_secret_makes_the_sdk_give_up_with_code_514(
    start_feishu: Callable[..., FeishuSimulator],
) -> None:
    simulator = start_feishu(event_delivery="long_connection")
    client = OfficialWsClient(simulator, app_secret="not-the-secret")
    try:
        refused = client.next_line()
        assert client.process.wait(timeout=WAIT) == 3
    finally:
        client.stop()

    assert refused["refused"] == 514
