"""The synchronous node: the engine waits for the answer, so the instance is still
RUNNING, with nobody left to approve, while `approved` is called; it ends COMPLETED +
agree after a successful call. "如果调用失败或超时，审批流将终止执行": a failed call ends
it (as TERMINATED, our reading) and is not retried."""

from __future__ import annotations

from typing import Any

import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub, Received, Scripted
from releasegate.simulators.dingtalk.tests.forms import filled_form


@pytest.fixture(autouse=True)
def synchronous(connected: DingTalkControl) -> None:
    connected.configure_connector(node="sync", timeout=0.2)


def agreed_by_both(control: DingTalkControl) -> dict[str, Any]:
    instance_id = control.submit_form(filled_form(control))["instance_id"]
    control.agree(instance_id, "lisi")
    return control.agree(instance_id, "wangwu")


def instance_events(control: DingTalkControl) -> list[tuple[str, str | None]]:
    """The `bpms_instance_change` events DingTalk meant to push: (type, result)."""
    return [
        (event["type"], event["event"].get("result"))
        for event in control.events()
        if event["event_type"] == "bpms_instance_change"
    ]


def test_the_instance_waits_on_the_node_and_completes_when_it_answers(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    seen: list[tuple[str, list[str]]] = []

    def look(call: Received) -> None:
        if call.action == "approved":
            during = connected.instance(call.body["instance_id"])
            seen.append((during["status"], during["waiting_on"]))

    connector.on_call = look

    instance = agreed_by_both(connected)

    assert seen == [("RUNNING", [])]
    assert (instance["status"], instance["result"]) == ("COMPLETED", "agree")
    assert instance_events(connected) == [("start", None), ("finish", "agree")]
    [run] = connected.connector_node_runs()
    assert (run["mode"], run["state"]) == ("sync", "delivered")


@pytest.mark.parametrize(
    "failure",
    [Scripted({"error": "use POST"}, status=405), Scripted({"accepted": True}, delay=0.6)],
    ids=["http-error", "timeout"],
)
def test_a_failed_call_ends_the_flow_without_a_retry(
    connected: DingTalkControl, connector: ConnectorStub, failure: Scripted
) -> None:
    connector.script("approved", failure)

    instance = agreed_by_both(connected)
    connected.advance(3600)

    assert (instance["status"], instance["result"]) == ("TERMINATED", "")
    assert instance_events(connected) == [("start", None), ("terminate", None)]
    assert len(connector.calls("approved")) == 1
    [run] = connected.connector_node_runs()
    assert (run["state"], run["attempts"]) == ("failed", 1)
