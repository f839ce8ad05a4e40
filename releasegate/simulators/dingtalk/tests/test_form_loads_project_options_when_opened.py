"""新建表单加载时: opening the form calls the `projects` action, signed with the connector's
API Secret, and its `ids`/`values` become 项目名称's options; the call is recorded."""

from __future__ import annotations

import pytest

from releasegate.integrations.dingtalk.crypto import verify_api_secret
from releasegate.simulators.dingtalk.control import DingTalkControl, SimulatorRefused
from releasegate.simulators.dingtalk.tests.conftest import DEMO
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub
from releasegate.simulators.dingtalk.tests.forms import field, option_values


def test_opening_the_form_asks_for_the_projects_with_a_signed_empty_body(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    connected.open_form("zhangsan")

    [call] = connector.received
    assert call.action == "projects"
    assert call.body == {}
    assert call.headers["content-type"].startswith("application/json")
    verify_api_secret(
        DEMO.connector_secret,
        call.headers["x-ddpaas-signature-timestamp"],
        call.headers["x-ddpaas-signature"],
    )


def test_the_project_select_offers_the_answers_ids_and_values(
    connected: DingTalkControl,
) -> None:
    form = connected.open_form("zhangsan")

    assert field(form, "项目名称")["options"] == [
        {"id": "mall", "value": "商城 (mall)"},
        {"id": "payment", "value": "支付中心 (payment)"},
    ]
    assert option_values(form, "应用名称") == []
    assert option_values(form, "是否有数据库变更") == ["是", "否"]
    assert (form["state"], form["user"], form["notices"]) == ("open", "zhangsan", [])


def test_the_call_is_recorded_with_its_request_answer_status_and_duration(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    form = connected.open_form("zhangsan")

    [call] = connected.connector_calls()
    assert form["calls"] == [call["id"]]
    assert (call["action"], call["trigger"], call["subject"], call["attempt"]) == (
        "projects",
        "form load",
        form["id"],
        1,
    )
    assert call["url"] == f"{connector.url}/dingtalk/connector/projects"
    assert call["request"]["body"] == {}
    assert set(call["request"]["headers"]) == {
        "x-ddpaas-signature-timestamp",
        "x-ddpaas-signature",
    }
    assert call["response"]["status"] == 200
    assert call["response"]["body"]["ids"] == ["mall", "payment"]
    assert (call["outcome"], call["ok"]) == ("ok", True)
    assert call["duration_ms"] >= 0


def test_a_form_for_someone_outside_the_organisation_is_refused(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    with pytest.raises(SimulatorRefused) as refused:
        connected.open_form("nobody")

    assert refused.value.status == 400
    assert connector.received == []
