"""The asynchronous node does not hold the instance, and "如果连接器节点执行失败，将进行
三次重试": a failed call is made again 10, 30 and 90 sim-clock seconds later (DingTalk's
intervals are UNCONFIRMED), every attempt recorded, then given up."""

from __future__ import annotations

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub, Scripted
from releasegate.simulators.dingtalk.tests.forms import filled_form

DOWN = Scripted({"error": "internal error; see the server log"}, status=500)


def approved(control: DingTalkControl) -> str:
    instance_id: str = control.submit_form(filled_form(control))["instance_id"]
    control.agree(instance_id, "lisi")
    control.agree(instance_id, "wangwu")
    return instance_id


def test_a_failing_node_is_tried_four_times_in_all_then_given_up(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    connector.script("approved", DOWN, DOWN, DOWN, DOWN)
    instance_id = approved(connected)
    assert len(connector.calls("approved")) == 1

    connected.advance(9)
    assert len(connector.calls("approved")) == 1
    for wait, attempts in ((1, 2), (30, 3), (90, 4)):
        connected.advance(wait)
        assert len(connector.calls("approved")) == attempts
    connected.advance(24 * 3600)

    assert len(connector.calls("approved")) == 4
    [run] = connected.connector_node_runs()
    assert (run["state"], run["attempts"]) == ("failed", 4)
    assert run["outcomes"] == ["HTTP 500: internal error; see the server log"] * 4
    recorded = connected.connector_calls("approved")
    assert [call["attempt"] for call in recorded] == [1, 2, 3, 4]
    # Sim-clock times, which also run on with the wall clock between the steps.
    offsets = [call["at_ms"] - recorded[0]["at_ms"] for call in recorded]
    assert [round(offset / 1000) for offset in offsets] == [0, 10, 40, 130]
    # The engine did not wait: the approval stands whatever the node does.
    assert connected.instance(instance_id)["result"] == "agree"


def test_a_retry_that_succeeds_ends_the_retries(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    connector.script("approved", DOWN)
    approved(connected)

    connected.advance(10)
    connected.advance(3600)

    assert len(connector.calls("approved")) == 2
    [run] = connected.connector_node_runs()
    assert (run["state"], run["outcomes"]) == (
        "delivered",
        ["HTTP 500: internal error; see the server log", "ok"],
    )


def test_a_node_without_an_answer_in_time_is_retried_too(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    connected.configure_connector(timeout=0.2)
    connector.script("approved", Scripted({"accepted": True}, delay=0.6))
    approved(connected)

    connected.advance(10)

    [run] = connected.connector_node_runs()
    assert run["outcomes"] == ["no answer within 0.2 s", "ok"]
