"""The connector node after the last approver calls the `approved` action with the
instance id and the form, once the last approver agrees: not before, not for a refused
or revoked instance, and not at all when the app has no node (event push or Stream)."""

from __future__ import annotations

from collections.abc import Callable

from releasegate.integrations.dingtalk.crypto import verify_api_secret
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests.conftest import DEMO
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub
from releasegate.simulators.dingtalk.tests.forms import READY, filled_form


def submitted(control: DingTalkControl) -> str:
    instance_id: str = control.submit_form(filled_form(control))["instance_id"]
    return instance_id


def test_the_last_agreement_calls_approved_with_the_instance_and_its_form(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    instance_id = submitted(connected)
    connected.agree(instance_id, "lisi")
    assert connector.calls("approved") == []

    instance = connected.agree(instance_id, "wangwu")

    assert (instance["status"], instance["result"]) == ("COMPLETED", "agree")
    [call] = connector.calls("approved")
    assert call.body == {"instance_id": instance_id, "form": READY}
    verify_api_secret(
        DEMO.connector_secret,
        call.headers["x-ddpaas-signature-timestamp"],
        call.headers["x-ddpaas-signature"],
    )
    [run] = connected.connector_node_runs()
    assert (run["instance_id"], run["mode"], run["state"], run["attempts"]) == (
        instance_id,
        "async",
        "delivered",
        1,
    )
    [recorded] = connected.connector_calls("approved")
    assert (recorded["trigger"], recorded["subject"], recorded["ok"]) == (
        "node",
        instance_id,
        True,
    )
    assert recorded["response"]["body"] == {"accepted": True, "instance_id": instance_id}


def test_a_refused_or_revoked_instance_never_reaches_the_node(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    refused, revoked = submitted(connected), submitted(connected)
    connected.agree(refused, "lisi")
    connected.refuse(refused, "wangwu")
    connected.terminate(revoked)

    connected.advance(3600)

    assert connector.calls("approved") == []
    assert connected.connector_node_runs() == []


def test_an_instance_started_through_the_api_reaches_the_node_too(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    instance_id = connected.submit("zhangsan", {"项目名称": "商城 (mall)", "应用名称": "x"})
    connected.agree(instance_id, "lisi")
    connected.agree(instance_id, "wangwu")

    assert [call.body["instance_id"] for call in connector.calls("approved")] == [instance_id]


def test_an_app_without_the_node_calls_nothing_after_approval(
    start_dingtalk: Callable[..., DingTalkSimulator], connector: ConnectorStub
) -> None:
    control = DingTalkControl(
        start_dingtalk(connector_url=connector.url, connector_node="none").url
    )
    instance_id = submitted(control)
    connected_calls = len(connector.received)

    control.agree(instance_id, "lisi")
    control.agree(instance_id, "wangwu")

    assert len(connector.received) == connected_calls
    assert control.connector_node_runs() == []
    control.close()


def test_the_node_belongs_to_the_flow_an_instance_started_with(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    before = submitted(connected)
    connected.configure_connector(node="none")
    after = submitted(connected)

    for instance_id in (before, after):
        connected.agree(instance_id, "lisi")
        connected.agree(instance_id, "wangwu")

    assert [call.body["instance_id"] for call in connector.calls("approved")] == [before]
