"""With WeCom as the approval platform, the new-release page and `POST /api/requests`
submit the release template's application in (simulated) WeCom as the logged-in person,
by the WeCom userid on their profile; without one they are told so."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from releasegate.releases.models import InboundEvent
from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.web.models import Profile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]

ORDER = {
    "project": "mall",
    "application": "mall/order-service",
    "release_type": "全量",
    "param-TAG": "v3.8.0",
    "release_time": "",
    "db_change": "no",
}
App = tuple[WeComSimulator, WeComControl]


@pytest.fixture
def wecom_only(wecom_app: App, settings: Settings) -> WeComControl:
    settings.CONFIG = dataclasses.replace(settings.CONFIG, dingtalk=None)
    return wecom_app[1]


def person(wecom_id: str = "") -> User:
    user = User.objects.create_user("zhangsan", password="pw", first_name="张三")
    Profile.objects.create(user=user, wecom_user_id=wecom_id)
    return user


def test_the_new_release_page_submits_it_as_the_person(
    client: Client, wecom_only: WeComControl
) -> None:
    client.force_login(person("zhangsan"))

    response = client.post("/requests/new", ORDER)

    assert response.status_code == 302, response.content.decode()[:2000]
    [application] = wecom_only.applications()
    sp_no = application["sp_no"]
    assert response["Location"] == f"/requests/{sp_no}/"
    detail = wecom_only.application(sp_no)
    assert detail["applyer"]["userid"] == "zhangsan"
    request = InboundEvent.objects.get(via="request")
    assert (request.provider, request.instance_id) == ("wecom", sp_no)


def test_the_api_submits_it_as_the_caller(wecom_only: WeComControl) -> None:
    api = APIClient()
    api.force_authenticate(person("zhangsan"))

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
    sp_no = response.json()["approval_instance_id"]
    assert wecom_only.application(sp_no)["applyer"]["userid"] == "zhangsan"


def test_a_person_without_a_wecom_id_is_told_so(client: Client, wecom_only: WeComControl) -> None:
    client.force_login(person())

    page = client.post("/requests/new", ORDER).content.decode()

    assert "企业微信用户 ID" in page
    assert wecom_only.applications() == []
