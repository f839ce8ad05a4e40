"""`GET /api/releases`: newest first, paginated, filtered by state, application,
project, originator and time; a filter it cannot read is a 400 naming it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from releasegate.releases.models import Release
from releasegate.releases.operators import cancel_release
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

GATEWAY_FORM = {
    "项目名称": "支付中心 (payment)",
    "应用名称": "支付网关 (payment/gateway)",
    "分支或标签": "v2.4.1",
    "环境": "prod",
}
INVENTORY_FORM = {"应用名称": "库存服务 (mall/inventory-service)", "分支或标签": "master"}


@pytest.fixture
def three_releases(harness: Harness) -> list[Release]:
    """Order service by zhangsan (cancelled), an hour later the payment gateway by lisi,
    an hour later the inventory service by wangwu."""
    order = harness.approve("inst-order")
    cancel_release(order.pk, actor="operator:ops")
    harness.tick(3600)
    gateway = harness.approve("inst-gateway", form=GATEWAY_FORM, originator="lisi")
    harness.tick(3600)
    inventory = harness.approve("inst-inventory", form=INVENTORY_FORM, originator="wangwu")
    return [order, gateway, inventory]


def ids(api: APIClient, query: str = "") -> list[int]:
    response = api.get(f"/api/releases{query}")
    assert response.status_code == 200, response.content
    return [release["id"] for release in response.json()["results"]]


def test_it_lists_every_release_newest_first(api: APIClient, three_releases: list[Release]) -> None:
    order, gateway, inventory = three_releases

    answer = api.get("/api/releases").json()

    assert answer["count"] == 3
    assert [r["id"] for r in answer["results"]] == [inventory.pk, gateway.pk, order.pk]
    newest = answer["results"][0]
    assert newest["application_name"] == "mall/inventory-service"
    assert newest["approval_instance_id"] == "inst-inventory"
    assert newest["originator_user_id"] == "wangwu"


def test_each_filter_narrows_the_list(api: APIClient, three_releases: list[Release]) -> None:
    order, gateway, inventory = three_releases
    gateway_received = gateway.received_at.isoformat()

    assert ids(api, "?state=CANCELLED") == [order.pk]
    assert ids(api, "?application=payment/gateway") == [gateway.pk]
    assert ids(api, "?project=mall") == [inventory.pk, order.pk]
    assert ids(api, "?originator=lisi") == [gateway.pk]
    assert ids(api, "?since=" + gateway_received.replace("+", "%2B")) == [inventory.pk, gateway.pk]
    assert ids(api, "?project=mall&state=RECEIVED") == [inventory.pk]


def test_it_pages_through_long_lists(api: APIClient, three_releases: list[Release]) -> None:
    first = api.get("/api/releases?page_size=2").json()
    second = api.get(first["next"]).json()

    assert len(first["results"]) == 2
    assert [r["id"] for r in second["results"]] == [three_releases[0].pk]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?state=DONE", "state"),
        ("?since=yesterday", "since"),
        ("?since=0001-01-01", "since"),
        ("?since=9999-12-31T23:59:59-05:00", "since"),
        ("?application=" + "x" * 1001, "application"),
        ("?originator=%00", "originator"),
    ],
)
def test_a_filter_it_cannot_read_is_named(api: APIClient, query: str, field: str) -> None:
    response = api.get(f"/api/releases{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_page_that_does_not_exist_is_a_404(api: APIClient) -> None:
    assert api.get("/api/releases?page=7").status_code == 404
