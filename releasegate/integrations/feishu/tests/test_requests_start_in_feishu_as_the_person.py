"""With Feishu as the approval platform, the new-release page and `POST /api/requests`
start the release form's instance in (simulated) Feishu as the logged-in person, by the
Feishu open_id on their profile; without one they are told so."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from releasegate.releases.models import InboundEvent
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import SimSettings
from releasegate.web.models import Profile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]

ZHANGSAN = next(p.open_id for p in SimSettings.demo().people if p.user_id == "zhangsan")
ORDER = {
    "project": "mall",
    "application": "mall/order-service",
    "release_type": "全量",
    "param-TAG": "v3.8.0",
    "release_time": "",
    "db_change": "no",
}
App = tuple[FeishuSimulator, FeishuControl]


@pytest.fixture
def feishu_only(feishu_app: App, settings: Settings) -> FeishuControl:
    settings.CONFIG = dataclasses.replace(settings.CONFIG, dingtalk=None)
    return feishu_app[1]


def person(feishu_id: str = "") -> User:
    user = User.objects.create_user("zhangsan", password="pw", first_name="张三")
    Profile.objects.create(user=user, feishu_user_id=feishu_id)
    return user


def form_of(control: FeishuControl, code: str) -> dict[str, str]:
    instance = control.instance(code)
    return {widget["name"]: widget["value"] for widget in json.loads(instance["form"])}


def test_the_new_release_page_starts_it_as_the_person(
    client: Client, feishu_only: FeishuControl
) -> None:
    client.force_login(person(ZHANGSAN))

    response = client.post("/requests/new", ORDER)

    assert response.status_code == 302, response.content.decode()[:2000]
    [instance] = feishu_only.instances()
    code = instance["instance_code"]
    assert response["Location"] == f"/requests/{code}/"
    assert instance["open_id"] == ZHANGSAN
    form = form_of(feishu_only, code)
    # External options are stored by their id (the text shows once Feishu asked for it).
    assert form["项目名称"] in ("project:mall", "商城 (mall)")
    assert form["应用名称"] in ("application:mall/order-service", "订单服务 (mall/order-service)")
    assert (form["发布类型"], form["分支或标签"]) == ("全量", "v3.8.0")
    request = InboundEvent.objects.get(via="request")
    assert (request.provider, request.instance_id) == ("feishu", code)


def test_the_api_starts_it_as_the_caller(feishu_only: FeishuControl) -> None:
    api = APIClient()
    api.force_authenticate(person(ZHANGSAN))

    response = api.post(
        "/api/requests",
        {
            "project": "mall",
            "application": "mall/order-service",
            "parameters": {"BRANCH": "v3.8.0"},
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    code = response.json()["approval_instance_id"]
    assert feishu_only.instance(code)["open_id"] == ZHANGSAN


def test_a_person_without_a_feishu_id_is_told_so(
    client: Client, feishu_only: FeishuControl
) -> None:
    client.force_login(person())

    page = client.post("/requests/new", ORDER).content.decode()

    assert "飞书用户 ID" in page
    assert feishu_only.instances() == []
