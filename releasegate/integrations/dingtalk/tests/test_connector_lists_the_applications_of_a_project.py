from __future__ import annotations

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import call, sync_demo
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db

MALL = {
    "project": {"id": "mall", "value": "商城 (mall)"},
    "ids": ["mall/inventory-service", "mall/order-service", "mall/web-frontend"],
    "values": [
        "库存服务 (mall/inventory-service)",
        "订单服务 (mall/order-service)",
        "商城前端 (mall/web-frontend)",
    ],
    "options": [
        {"id": "mall/inventory-service", "value": "库存服务 (mall/inventory-service)"},
        {"id": "mall/order-service", "value": "订单服务 (mall/order-service)"},
        {"id": "mall/web-frontend", "value": "商城前端 (mall/web-frontend)"},
    ],
    "message": "",
}


@pytest.fixture(autouse=True)
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    sync_demo(jenkins_client)


@pytest.mark.parametrize("chosen", ["mall", "商城 (mall)", "商城"])
def test_it_lists_the_offered_applications_of_the_chosen_project(
    client: Client, chosen: str
) -> None:
    """By the option's id, its value or the readable name alone; the disabled
    mall/legacy-admin is not offered."""
    status, answer = call(client, "applications", {"project": chosen})

    assert status == 200
    assert answer == MALL


def test_an_unknown_project_clears_the_list_and_says_why(client: Client) -> None:
    status, answer = call(client, "applications", {"project": "不存在的项目"})

    assert status == 200
    assert (answer["ids"], answer["values"], answer["project"]) == ([], [], None)
    assert answer["message"] == "项目 不存在的项目 不存在或未开放发布"


@pytest.mark.parametrize("cleared", ["", None])
def test_a_cleared_project_control_clears_the_list_quietly(
    client: Client, cleared: str | None
) -> None:
    status, answer = call(client, "applications", {"project": cleared})

    assert status == 200
    assert (answer["ids"], answer["values"], answer["message"]) == ([], [], "")
