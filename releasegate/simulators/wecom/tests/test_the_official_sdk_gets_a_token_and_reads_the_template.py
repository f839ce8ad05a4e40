from __future__ import annotations

from typing import Any

import pytest
from wechatpy.exceptions import WeChatClientException

from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.tests import official_sdk
from releasegate.simulators.wecom.tests.conftest import DEMO


def test_the_sdk_fetches_a_two_hour_token(sdk: Any) -> None:
    answer = sdk.fetch_access_token()

    assert answer["errcode"] == 0
    assert answer["expires_in"] == 7200
    assert len(answer["access_token"]) > 32


def test_a_wrong_secret_is_40001(wecom: WeComSimulator) -> None:
    with pytest.raises(WeChatClientException) as refused:
        official_sdk.client(wecom, secret="wrong").fetch_access_token()

    assert refused.value.errcode == 40001


def test_the_template_lists_the_release_controls_in_wecoms_shape(sdk: Any) -> None:
    answer = sdk.OA.get_template_detail(DEMO.template_id)

    assert answer["template_names"] == [{"text": "发布审批", "lang": "zh_CN"}]
    controls = answer["template_content"]["controls"]
    titles = [c["property"]["title"][0]["text"] for c in controls]
    assert titles == [
        "项目名称",
        "应用名称",
        "发布类型",
        "发布时间",
        "是否有数据库变更",
        "数据库变更是否完成",
        "分支或标签",
        "环境",
        "备注",
        "发布请求编号",
    ]
    by_title = dict(zip(titles, controls, strict=True))
    project = by_title["项目名称"]
    assert project["property"]["id"] == "Selector-1592463391236"
    assert project["property"]["require"] == 1
    assert project["config"]["selector"] == {"type": "single", "exp_type": 1, "options": []}
    release_type = by_title["发布类型"]["config"]["selector"]
    assert [o["value"][0]["text"] for o in release_type["options"]] == ["全量", "灰度"]
    assert by_title["发布时间"]["config"] == {"date": {"type": "hour"}}
    assert by_title["发布请求编号"]["property"]["control"] == "Text"


def test_an_unknown_template_is_301025(sdk: Any) -> None:
    with pytest.raises(WeChatClientException) as refused:
        sdk.OA.get_template_detail("no-such-template")

    assert refused.value.errcode == 301025


def test_the_app_and_corp_jsapi_tickets_are_issued_and_kept(sdk: Any) -> None:
    agent = sdk.jsapi.get_agent_ticket()
    corp = sdk.jsapi.get_ticket()

    assert agent["expires_in"] == corp["expires_in"] == 7200
    assert agent["ticket"] != corp["ticket"]
    assert sdk.jsapi.get_agent_ticket()["ticket"] == agent["ticket"]
