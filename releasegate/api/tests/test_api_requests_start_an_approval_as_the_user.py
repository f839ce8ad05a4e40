"""`POST /api/requests`: a release asked for over the API is checked as the form's submit
check would check it, then started in DingTalk with the caller as its originator. Over
real sockets to the DingTalk simulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from releasegate.api.tests.conftest import person, token_client
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.releases.models import InboundEvent
from releasegate.releases.rules import DB_CHANGE_PENDING
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]

ORDER = {
    "project": "mall",
    "application": "mall/order-service",
    "release_type": "全量",
    "parameters": {"BRANCH": "v3.8.0"},
}


@pytest.fixture
def simulated(
    dingtalk: DingTalkSimulator, configure_dingtalk: Callable[[DingTalkSimulator], None]
) -> DingTalkSimulator:
    configure_dingtalk(dingtalk)
    return dingtalk


def post(client: APIClient, body: Any) -> Any:
    return client.post("/api/requests", body, format="json")


def test_it_starts_the_approval_as_the_caller(
    api: APIClient, simulated: DingTalkSimulator, dingtalk_client: DingTalkClient
) -> None:
    response = post(api, ORDER)

    assert response.status_code == 201, response.content
    instance_id = response.json()["approval_instance_id"]
    instance = dingtalk_client.get_instance(instance_id)
    assert instance.originator_user_id == "zhangsan"
    assert {f.name: f.value for f in instance.form} == {
        "项目名称": "商城 (mall)",
        "应用名称": "订单服务 (mall/order-service)",
        "发布类型": "全量",
        "是否有数据库变更": "否",
        "分支或标签": "v3.8.0",
    }
    assert InboundEvent.objects.get(instance_id=instance_id).via == "request"


def test_an_iso_release_time_is_written_as_the_form_writes_times(
    api: APIClient, simulated: DingTalkSimulator, dingtalk_client: DingTalkClient
) -> None:
    zone = settings.CONFIG.options.releases.zone
    tomorrow = (timezone.now() + timedelta(days=1)).astimezone(zone).replace(second=0)

    response = post(api, {**ORDER, "release_time": tomorrow.isoformat()})

    assert response.status_code == 201, response.content
    instance = dingtalk_client.get_instance(response.json()["approval_instance_id"])
    assert {f.name: f.value for f in instance.form}["发布时间"] == f"{tomorrow:%Y-%m-%d %H:%M}"


def test_a_pending_database_change_is_refused_and_nothing_started(
    api: APIClient, simulated: DingTalkSimulator, dingtalk_sim: DingTalkControl
) -> None:
    response = post(api, {**ORDER, "db_change": "是", "db_change_done": "否"})

    assert response.status_code == 400
    assert response.json() == {"problems": [DB_CHANGE_PENDING], "about": ["db_change"]}
    assert dingtalk_sim.instances() == []
    assert not InboundEvent.objects.exists()


def test_an_application_outside_the_project_is_named(
    api: APIClient, simulated: DingTalkSimulator
) -> None:
    response = post(api, {**ORDER, "application": "payment/gateway"})

    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert "payment/gateway" in problem


def test_a_caller_without_a_dingtalk_user_id_is_told(simulated: DingTalkSimulator) -> None:
    nobody = token_client(person("visitor"))

    response = post(nobody, ORDER)

    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert "钉钉用户 ID" in problem


def test_a_dingtalk_that_cannot_be_reached_is_a_502_without_secrets(
    api: APIClient, tester: User
) -> None:
    # The test settings point DingTalk at a closed port.
    response = post(api, ORDER)

    assert response.status_code == 502
    assert "dingtalk" in response.json()["detail"]
    dingtalk = settings.CONFIG.dingtalk
    assert dingtalk is not None and dingtalk.app_secret not in response.content.decode()
    assert not InboundEvent.objects.exists()


MALFORMED: list[tuple[str, Any, str]] = [
    ("a list", [ORDER], "non_field_errors"),
    ("no project", {"application": "mall/order-service"}, "project"),
    ("a number for a name", {**ORDER, "project": 42}, "project"),
    ("parameters as a list", {**ORDER, "parameters": ["BRANCH"]}, "parameters"),
    ("a number as a parameter", {**ORDER, "parameters": {"BRANCH": 3}}, "parameters"),
    ("a misspelt field", {**ORDER, "db_chnage": "否"}, "db_chnage"),
    ("an unreadable time", {**ORDER, "release_time": "tomorrow"}, "release_time"),
    ("the first day there was", {**ORDER, "release_time": "0001-01-01"}, "release_time"),
    ("a null", {**ORDER, "release_type": None}, "release_type"),
]


@pytest.mark.parametrize(("case", "body", "field"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_body_it_cannot_read_is_a_400_naming_the_field(
    api: APIClient, simulated: DingTalkSimulator, case: str, body: Any, field: str
) -> None:
    response = post(api, body)

    assert response.status_code == 400, case
    assert field in response.json(), response.json()
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize(
    ("language", "misspelt", "not_a_string"),
    [
        ("zh-hans", "未知字段。", "必须是字符串。"),
        ("en", "This field is not known.", "Must be a string."),
    ],
)
def test_what_is_wrong_is_said_in_the_callers_language(
    api: APIClient, simulated: DingTalkSimulator, language: str, misspelt: str, not_a_string: str
) -> None:
    def refused(body: dict[str, Any]) -> Any:
        response = api.post("/api/requests", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        return response.json()

    assert refused({**ORDER, "db_chnage": "否"})["db_chnage"] == [misspelt]
    assert refused({**ORDER, "parameters": {"BRANCH": 3}})["parameters"] == {
        "BRANCH": [not_a_string]
    }


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b'{"project": "mall",', 400),
        (b'{"project": NaN}', 400),
        (b"\xff\xfe{}", 400),
        (b"[" * 100_000 + b"]" * 100_000, 413),
        (b"[" * 30_000 + b"]" * 30_000, 400),
        (json.dumps({**ORDER, "release_type": "x" * 70_000}).encode(), 413),
    ],
    ids=["cut short", "NaN", "not UTF-8", "too large", "nested too deeply", "huge field"],
)
def test_a_body_that_is_not_json_is_a_4xx(
    api: APIClient, simulated: DingTalkSimulator, raw: bytes, status: int
) -> None:
    response = api.post("/api/requests", raw, content_type="application/json")

    assert response.status_code == status
    assert response.json()["detail"]
    assert not InboundEvent.objects.exists()
