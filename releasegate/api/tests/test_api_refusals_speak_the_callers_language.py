"""`POST /api/requests` refuses in the language the caller asks for (Accept-Language;
Chinese by default), and says which field of the body each refusal is about."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]

REFUSED = {
    "project": "mall",
    "application": "mall/order-service",
    "release_type": "全量",
    "parameters": {"BRANCH": "v9.9.9", "NO_SUCH": "x"},
    "db_change": "是",
    "db_change_done": "否",
}


@pytest.fixture(autouse=True)
def simulated(
    dingtalk: DingTalkSimulator, configure_dingtalk: Callable[[DingTalkSimulator], None]
) -> None:
    configure_dingtalk(dingtalk)


def test_an_english_caller_is_refused_in_english_field_by_field(
    api: APIClient, dingtalk_sim: DingTalkControl
) -> None:
    response = api.post("/api/requests", REFUSED, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    answer = response.json()
    assert answer["about"] == ["parameters.NO_SUCH", "db_change", "parameters.TAG"]
    assert answer["problems"][0] == (
        "The approval form has no field for parameter NO_SUCH: it cannot be filled in for you"
    )
    assert answer["problems"][1].startswith("There is a database change")
    assert answer["problems"][2].startswith("The value 'v9.9.9' of parameter TAG")
    assert dingtalk_sim.instances() == []


def test_a_caller_who_asks_for_nothing_is_refused_in_chinese(api: APIClient) -> None:
    response = api.post("/api/requests", REFUSED, format="json")

    problems = response.json()["problems"]
    assert problems[0] == "审批表单中没有参数 NO_SUCH 的字段，无法代你填写"
    assert problems[1] == "有数据库变更且尚未完成：请先完成数据库变更，再提交发布申请"


def test_an_unreadable_time_is_refused_in_the_callers_language(api: APIClient) -> None:
    body = {**REFUSED, "release_time": "tomorrow"}
    english = api.post("/api/requests", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = api.post("/api/requests", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english.json()["release_time"] == [
        "The release time 'tomorrow' cannot be read: use the format YYYY-MM-DD HH:MM"
    ]
    assert chinese.json()["release_time"] == [
        "发布时间 'tomorrow' 无法识别，请使用 YYYY-MM-DD HH:MM 格式"
    ]


@pytest.mark.usefixtures("local_approvals")
def test_releasegates_own_approvals_refuse_a_request_no_group_covers_in_english(
    api: APIClient,
) -> None:
    gateway = {"BRANCH": "v2.4.1", "ENV": "prod"}
    body = {"project": "payment", "application": "payment/gateway", "parameters": gateway}

    response = api.post("/api/requests", body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["problems"] == [
        "Application payment/gateway of project payment has no approver group "
        "([local] groups): the approval cannot be started, ask an administrator"
    ]
