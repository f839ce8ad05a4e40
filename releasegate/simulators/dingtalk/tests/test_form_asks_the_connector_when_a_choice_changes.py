"""控件值发生变化时: choosing a project calls `applications` with it and fills 应用名称;
choosing an application calls `parameters` and fills the selects bound to its choices.
A choice must be one of the offered options; a choice that stays the same calls nothing."""

from __future__ import annotations

import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl, SimulatorRefused
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub
from releasegate.simulators.dingtalk.tests.forms import field, option_values


def test_choosing_a_project_asks_for_its_applications_by_the_chosen_value(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    form_id = connected.open_form("zhangsan")["id"]

    form = connected.choose(form_id, "项目名称", "mall")

    assert connector.calls("applications")[0].body == {"project": "商城 (mall)"}
    assert (field(form, "项目名称")["value"], field(form, "项目名称")["option_id"]) == (
        "商城 (mall)",
        "mall",
    )
    assert option_values(form, "应用名称") == [
        "订单服务 (mall/order-service)",
        "商城前端 (mall/web-frontend)",
    ]
    assert connected.connector_calls("applications")[0]["trigger"] == "control change: 项目名称"


def test_choosing_an_application_fills_the_selects_bound_to_its_choices(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    form_id = connected.open_form("zhangsan")["id"]
    connected.choose(form_id, "项目名称", "商城 (mall)")

    form = connected.choose(form_id, "应用名称", "mall/web-frontend")

    assert connector.calls("parameters")[0].body == {
        "application": "商城前端 (mall/web-frontend)",
        "project": "商城 (mall)",
    }
    assert option_values(form, "环境") == ["prod", "staging"]
    assert option_values(form, "发布类型") == ["全量", "灰度"]
    # The simulator's 分支或标签 is a text input, which has no options to fill.
    assert field(form, "分支或标签")["source"] == "text"
    assert field(form, "分支或标签")["options"] == []


def test_a_value_that_is_not_offered_is_refused_and_calls_nothing(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    form_id = connected.open_form("zhangsan")["id"]

    with pytest.raises(SimulatorRefused) as refused:
        connected.choose(form_id, "项目名称", "warehouse")

    assert refused.value.status == 400
    assert "warehouse" in refused.value.message and "商城 (mall)" in refused.value.message
    assert [call.action for call in connector.received] == ["projects"]


def test_choosing_the_same_option_again_is_no_change(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    form_id = connected.open_form("zhangsan")["id"]
    connected.choose(form_id, "项目名称", "mall")

    connected.choose(form_id, "项目名称", "商城 (mall)")

    assert len(connector.calls("applications")) == 1


def test_another_project_clears_an_application_it_does_not_offer(
    connected: DingTalkControl, connector: ConnectorStub
) -> None:
    form_id = connected.open_form("zhangsan")["id"]
    connected.fill(form_id, {"项目名称": "mall", "应用名称": "mall/web-frontend", "环境": "prod"})

    form = connected.choose(form_id, "项目名称", "payment")

    assert option_values(form, "应用名称") == ["支付网关 (payment/gateway)"]
    assert field(form, "应用名称")["value"] == ""
    # The cleared application is a change too: its choices are asked for again.
    assert connector.calls("parameters")[-1].body == {
        "application": "",
        "project": "支付中心 (payment)",
    }
    assert (option_values(form, "环境"), field(form, "环境")["value"]) == ([], "")


def test_a_control_the_form_does_not_have_is_refused(connected: DingTalkControl) -> None:
    form_id = connected.open_form("zhangsan")["id"]

    with pytest.raises(SimulatorRefused) as refused:
        connected.fill(form_id, {"上线说明": "x"})

    assert refused.value.status == 400
