"""The catalog page keeps each project's table between views, and never past the sync
that changed it: a job changed in Jenkins shows as soon as a sync has seen it, and each
reader gets the table in their own language."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from releasegate.catalog.sync import run_sync
from releasegate.config import CatalogOptions
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.simulators.jenkins.control import SimulatorControl

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def _coupon_row(page: str) -> str | None:
    row = re.search(r'data-application="mall/coupon-service">(.*?)</tr>', page, re.S)
    return row.group(1) if row else None


def test_a_job_a_sync_found_shows_on_the_next_view(
    signed_in: Client, sim: SimulatorControl, jenkins_client: JenkinsClient
) -> None:
    run_sync(jenkins_client, CatalogOptions())
    assert _coupon_row(signed_in.get("/catalog/").content.decode()) is None

    sim.put_job(path="mall/coupon-service", display_name="优惠券服务")
    run_sync(jenkins_client, CatalogOptions())
    row = _coupon_row(signed_in.get("/catalog/").content.decode())

    assert row is not None
    assert "优惠券服务" in row


def test_each_language_gets_its_own_table(signed_in: Client) -> None:
    chinese = signed_in.get("/catalog/").content.decode()
    signed_in.cookies["django_language"] = "en"
    english = signed_in.get("/catalog/").content.decode()

    assert "否：已在 Jenkins 中停用" in chinese
    assert "no: disabled in Jenkins" in english
    assert "no: disabled in Jenkins" not in chinese
