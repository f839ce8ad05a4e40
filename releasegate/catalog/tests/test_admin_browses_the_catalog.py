from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.catalog.models import Application, CatalogSync, Project
from releasegate.catalog.sync import run_sync
from releasegate.config import CatalogOptions
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def test_every_catalog_page_renders_after_a_sync(
    jenkins_client: JenkinsClient, admin_browser: Client
) -> None:
    run_sync(jenkins_client, CatalogOptions())
    order = Application.objects.get(full_name="mall/order-service")
    pages = [
        "/admin/catalog/project/",
        f"/admin/catalog/project/{Project.objects.get(key='mall').pk}/change/",
        "/admin/catalog/application/",
        "/admin/catalog/application/?buildable__exact=0",
        f"/admin/catalog/application/{order.pk}/change/",
        "/admin/catalog/catalogsync/",
        f"/admin/catalog/catalogsync/{CatalogSync.objects.get().pk}/change/",
    ]

    for page in pages:
        assert admin_browser.get(page).status_code == 200, page

    detail = admin_browser.get(f"/admin/catalog/application/{order.pk}/change/").content.decode()
    assert "CANARY_PERCENT" in detail
    assert "v3.8.0 | v3.7.2 | v3.7.1" in detail


def test_the_admin_shows_but_never_edits_the_catalog(
    jenkins_client: JenkinsClient, admin_browser: Client
) -> None:
    run_sync(jenkins_client, CatalogOptions())
    order = Application.objects.get(full_name="mall/order-service")

    response = admin_browser.post(
        f"/admin/catalog/application/{order.pk}/change/", {"display_name": "hacked"}
    )

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.display_name == "订单服务"
    assert admin_browser.get("/admin/catalog/application/add/").status_code == 403


def test_the_catalog_needs_a_login(client: Client) -> None:
    response = client.get("/admin/catalog/application/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
