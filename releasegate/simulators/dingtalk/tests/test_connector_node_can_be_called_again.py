"""The platform may repeat a connector node call it already made: the control API calls an
instance's node once more, recorded as one more attempt with the same body."""

from __future__ import annotations

import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl, SimulatorRefused
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub
from releasegate.simulators.dingtalk.tests.forms import filled_form


def approved(control: DingTalkControl) -> str:
    instance_id: str = control.submit_form(filled_form(control))["instance_id"]
    control.agree(instance_id, "lisi")
    control.agree(instance_id, "wangwu")
    return instance_id


def test_a_delivered_node_call_is_made_again_with_the_same_body(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    instance_id = approved(connected)

    connected.call_node_again(instance_id)
    assert connected.settle_connector()

    calls = connector.calls("approved")
    assert len(calls) == 2
    assert calls[0].body == calls[1].body
    [run] = connected.connector_node_runs()
    assert (run["state"], run["attempts"]) == ("delivered", 2)


def test_an_instance_that_never_reached_the_node_is_refused(connected: DingTalkControl) -> None:
    instance_id: str = connected.submit_form(filled_form(connected))["instance_id"]

    with pytest.raises(SimulatorRefused) as refused:
        connected.call_node_again(instance_id)

    assert refused.value.status == 404
