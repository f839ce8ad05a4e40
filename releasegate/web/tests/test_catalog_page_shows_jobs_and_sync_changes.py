"""The catalog page: projects, their applications and each one's parameter definitions
as the last sync found them, when that was, and what the last syncs changed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from releasegate.catalog.models import CatalogSync
from releasegate.catalog.sync import run_sync
from releasegate.config import CatalogOptions
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.web.views import catalog

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def test_it_lists_projects_applications_and_their_parameters(signed_in: Client) -> None:
    page = signed_in.get("/catalog/").content.decode()

    assert re.findall(r'data-testid="catalog-project" data-project="([\w-]*)"', page) == [
        "mall",
        "ops",
        "payment",
    ]
    order = re.search(r'data-application="mall/order-service">(.*?)</tr>', page, re.S)
    assert order is not None
    assert "订单服务" in order.group(1)
    assert re.findall(r'data-parameter="(\w+)"', order.group(1)) == [
        "TAG",
        "RELEASE_TYPE",
        "CANARY_PERCENT",
    ]
    assert "v3.8.0 | v3.7.2 | v3.7.1" in order.group(1)


def test_it_says_which_applications_cannot_be_released(signed_in: Client) -> None:
    signed_in.cookies["django_language"] = "en"

    page = signed_in.get("/catalog/").content.decode()

    legacy = re.search(r'data-application="mall/legacy-admin">(.*?)</tr>', page, re.S)
    assert legacy is not None
    assert "no: disabled in Jenkins" in legacy.group(1)


def test_it_shows_the_last_sync_and_what_the_syncs_changed(
    signed_in: Client, sim: SimulatorControl, jenkins_client: JenkinsClient
) -> None:
    sim.put_job(path="mall/coupon-service", display_name="优惠券服务")
    assert sim.remove_job("payment/gateway")
    run_sync(jenkins_client, CatalogOptions())

    page = signed_in.get("/catalog/").content.decode()

    assert re.search(r'data-testid="last-sync">\s*\S', page)
    syncs = re.findall(r'data-testid="catalog-sync" data-sync-id="(\d+)"', page)
    assert len(syncs) == 2
    latest = page.split('data-testid="catalog-sync"')[1]
    assert re.findall(r'data-change="(\w+)"><code>([\w/-]+)</code> (\w+)', latest) == [
        ("added", "mall/coupon-service", "新增"),
        ("removed", "payment/gateway", "删除"),
    ]
    assert 'data-application="payment/gateway"' not in page
    assert 'data-application="mall/coupon-service"' in page


def test_a_large_catalog_lists_its_projects_and_details_the_chosen_one(
    signed_in: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog, "SHOWN_WHOLE", 2)

    index = signed_in.get("/catalog/").content.decode()
    chosen = signed_in.get("/catalog/?project=payment").content.decode()

    assert re.findall(r'href="\?project=(\w+)" data-testid="catalog-project-link"', index) == [
        "mall",
        "ops",
        "payment",
    ]
    assert 'data-testid="catalog-application"' not in index
    assert re.findall(r'data-testid="catalog-project" data-project="(\w+)"', chosen) == ["payment"]
    assert re.findall(r'data-application="([\w/-]+)"', chosen) == [
        "payment/gateway",
        "payment/settlement-batch",
    ]


def test_what_a_sync_changed_reads_as_text_not_as_data(signed_in: Client) -> None:
    signed_in.cookies["django_language"] = "en"
    details = {
        "fields": {"display_name": ["订单服务", "订单中心"]},
        "parameters": {
            "added": ["CANARY_PERCENT"],
            "changed": {"TAG": {"default": ["v3.7.2", "v3.8.0"]}},
        },
    }
    CatalogSync.objects.create(
        started_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        succeeded=True,
        changed=1,
        changes=[{"application": "mall/order-service", "change": "changed", "details": details}],
    )

    page = signed_in.get("/catalog/").content.decode()

    shown = re.search(r'data-testid="catalog-change-details">(.*?)</ul>', page, re.S)
    assert shown is not None
    assert re.findall(r"<li>(.*?)</li>", shown.group(1)) == [
        "display_name: 订单服务 → 订单中心",
        "parameters added: CANARY_PERCENT",
        "TAG default: v3.7.2 → v3.8.0",
    ]
    assert "{" not in page.split('data-testid="catalog-sync"')[1]
