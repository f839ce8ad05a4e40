"""The page at `/_sim/` lets a person fill in the form the way a tester would: open it,
choose from the options the connector gave, fill the other controls, submit; each step
is a plain form post that comes back to the page, and the connector calls are listed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import httpx
import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests.conftest import TLS
from releasegate.simulators.dingtalk.tests.connector_stub import ConnectorStub, Scripted


@pytest.fixture
def page(
    start_dingtalk: Callable[..., DingTalkSimulator], connector: ConnectorStub
) -> Iterator[httpx.Client]:
    simulator = start_dingtalk(connector_url=connector.url)
    with httpx.Client(base_url=simulator.url, timeout=5, verify=TLS) as client:
        yield client


def post(page: httpx.Client, path: str, data: dict[str, str]) -> None:
    """Post as a browser does, which labels even an empty form's body."""
    answer = page.post(
        path,
        content=urlencode(data),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/_sim/")


def test_a_person_fills_in_and_submits_the_form_on_the_page(
    page: httpx.Client, connector: ConnectorStub
) -> None:
    post(page, "_sim/forms", {"user": "zhangsan"})
    html = page.get("_sim/").text
    assert "action='/_sim/forms/form-1/choose'" in html
    assert "<option value='mall'>商城 (mall)</option>" in html

    post(page, "_sim/forms/form-1/choose", {"field": "项目名称", "option": "mall"})
    post(page, "_sim/forms/form-1/choose", {"field": "应用名称", "option": "mall/web-frontend"})
    post(page, "_sim/forms/form-1/choose", {"field": "是否有数据库变更", "option": "否"})
    post(page, "_sim/forms/form-1/fill", {"form:分支或标签": "master"})
    post(page, "_sim/forms/form-1/submit", {})

    control = DingTalkControl(str(page.base_url))
    [instance] = control.instances()
    values = {value["name"]: value["value"] for value in instance["formComponentValues"]}
    assert values == {
        "项目名称": "商城 (mall)",
        "应用名称": "商城前端 (mall/web-frontend)",
        "是否有数据库变更": "否",
        "分支或标签": "master",
    }
    html = page.get("_sim/").text
    assert f"as <a href='#{instance['instance_id']}'>" in html
    assert "<td>validate</td><td>form submit</td>" in html
    assert "<script" not in html
    control.close()


def test_a_refusal_is_shown_with_the_form(page: httpx.Client, connector: ConnectorStub) -> None:
    connector.script("validate", Scripted({"valid": False, "message": "请选择应用"}))
    post(page, "_sim/forms", {"user": "lisi"})
    post(
        page,
        "_sim/forms/form-1/fill",
        {"form:项目名称": "mall", "form:应用名称": "mall/order-service"},
    )

    post(page, "_sim/forms/form-1/submit", {})

    assert "提交被拒绝：请选择应用" in page.get("_sim/").text
