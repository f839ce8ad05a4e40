"""`GET /api/catalog`: what can be released, by project, with each application's
parameters, and when the catalog was last synced from Jenkins."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from releasegate.catalog.models import CatalogSync

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def application(catalog: dict[str, Any], full_name: str) -> dict[str, Any]:
    return next(
        app
        for project in catalog["projects"]
        for app in project["applications"]
        if app["full_name"] == full_name
    )


def test_it_lists_projects_with_their_applications(api: APIClient) -> None:
    catalog = api.get("/api/catalog").json()

    projects = {p["key"]: p["display_name"] for p in catalog["projects"]}
    assert projects == {"mall": "商城", "payment": "支付中心", "ops": "运维平台"}
    mall = next(p for p in catalog["projects"] if p["key"] == "mall")
    assert "mall/order-service" in [a["full_name"] for a in mall["applications"]]


def test_each_application_carries_its_parameters(api: APIClient) -> None:
    gateway = application(api.get("/api/catalog").json(), "payment/gateway")

    by_name = {p["name"]: p for p in gateway["parameters"]}
    assert list(by_name) == ["TAG", "ENV", "DRY_RUN"]
    assert (by_name["ENV"]["kind"], by_name["ENV"]["choices"]) == ("choice", ["prod", "staging"])
    assert (by_name["DRY_RUN"]["kind"], by_name["DRY_RUN"]["default"]) == ("boolean", False)
    assert gateway["display_name"] == "支付网关"


def test_a_password_parameters_default_is_never_shown(api: APIClient) -> None:
    batch = application(api.get("/api/catalog").json(), "payment/settlement-batch")

    password = next(p for p in batch["parameters"] if p["name"] == "DB_PASSWORD")
    assert (password["kind"], password["default"]) == ("password", None)


def test_it_says_when_the_catalog_was_synced(api: APIClient) -> None:
    catalog = api.get("/api/catalog").json()

    sync = CatalogSync.objects.get()
    assert catalog["synced_at"] is not None
    assert catalog["last_sync"]["succeeded"] is True
    assert catalog["last_sync"]["jobs_seen"] == sync.jobs_seen
