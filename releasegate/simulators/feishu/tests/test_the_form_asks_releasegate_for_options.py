from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.tests.options_stub import OptionsStub


@pytest.fixture(params=["", "opt-key"], ids=["plain", "sealed"])
def stub(request: pytest.FixtureRequest) -> Iterator[OptionsStub]:
    found = OptionsStub(key=request.param)
    yield found
    found.stop()


@pytest.fixture
def control(
    start_feishu: Callable[..., FeishuSimulator], stub: OptionsStub
) -> Iterator[FeishuControl]:
    simulator = start_feishu(options_url=stub.url, options_key=stub.key)
    found = FeishuControl(simulator.url)
    yield found
    found.close()


def test_projects_then_the_projects_applications_are_asked_for(
    control: FeishuControl, stub: OptionsStub
) -> None:
    projects = control.open_form("zhangsan")
    applications = control.applications("proj-payments")

    assert projects == [{"id": "proj-payments", "text": "支付"}]
    assert applications == [{"id": "app-gateway", "text": "支付网关"}]
    (path, first), (path2, second) = stub.requests
    assert (path, path2) == ("/feishu/options/projects", "/feishu/options/applications")
    assert first == {
        "user_id": "zhangsan",
        "employee_id": "zhangsan",
        "token": "releasegate-demo-options-token",
        "linkage_params": {},
        "page_token": "",
        "query": "",
        "locale": "zh_cn",
    }
    assert second["linkage_params"] == {"project": "proj-payments"}


def test_a_submitted_form_stores_option_ids_and_shows_their_texts(control: FeishuControl) -> None:
    code = control.submit({"项目名称": "支付", "应用名称": "app-gateway", "环境": "prod"})

    widgets = {w["custom_id"]: w for w in json.loads(control.instance(code)["form"])}
    assert widgets["project"]["option"] == {"key": "proj-payments", "text": "支付"}
    assert widgets["application"]["value"] == "支付网关"
    assert widgets["environment"]["option"]["key"] == "prod"


def test_a_choice_releasegate_did_not_offer_is_refused(control: FeishuControl) -> None:
    outcome = control.submit_form({"项目名称": "proj-payments", "应用名称": "app-other"})

    assert outcome["state"] == "refused"
    assert "应用名称" in outcome["refusal"]
    assert control.instances() == []


def test_the_control_page_lists_instances_with_buttons_that_work(control: FeishuControl) -> None:
    code = control.submit({"项目名称": "proj-payments", "应用名称": "app-gateway"})
    base = control.app()["bot_webhook"].split("open-apis/")[0]

    page = httpx.get(f"{base}_sim/").text
    posted = httpx.post(f"{base}_sim/instances/{code}/approve", data={"user": "lisi"})

    assert code in page
    assert "approve as 李四" in page
    assert posted.status_code == 303
    assert control.instance(code)["waiting_on"] == ["wangwu"]
