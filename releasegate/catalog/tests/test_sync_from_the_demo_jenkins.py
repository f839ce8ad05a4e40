from __future__ import annotations

import pytest

from releasegate.catalog import snapshot
from releasegate.catalog.models import Application, CatalogSync
from releasegate.catalog.sync import run_sync
from releasegate.config import CatalogOptions
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db


def test_it_lists_every_demo_job_in_one_request(client: JenkinsClient) -> None:
    record = run_sync(client, CatalogOptions())

    assert record.succeeded
    assert record.requests == 1
    assert record.added == 7
    assert Application.objects.count() == 7
    assert CatalogSync.objects.get() == record


def test_it_offers_only_enabled_jobs(client: JenkinsClient) -> None:
    run_sync(client, CatalogOptions())

    offered = snapshot.current().applications_by_name
    assert "mall/legacy-admin" not in offered
    assert offered["mall/order-service"].display_name == "订单服务"
