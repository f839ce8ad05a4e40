from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.catalog.models import Application, CatalogSync
from releasegate.catalog.sync import run_sync
from releasegate.catalog.tests.conftest import Jenkins
from releasegate.config import CatalogOptions

pytestmark = pytest.mark.django_db

SHOP = {
    "path": "mall/shop",
    "display_name": "商城前台",
    "parameters": [
        {"name": "ENV", "type": "choice", "choices": ["prod", "staging"]},
        {"name": "TAG", "type": "string", "default": "v1"},
    ],
}
PAY = {"path": "payment/gateway", "parameters": [{"name": "DRY_RUN", "type": "boolean"}]}


def test_the_first_sync_adds_every_job(small_jenkins: Callable[..., Jenkins]) -> None:
    jenkins = small_jenkins(jobs=[SHOP, PAY])

    record = run_sync(jenkins.client, CatalogOptions())

    assert (record.succeeded, record.added, record.changed, record.removed) == (True, 2, 0, 0)
    assert record.requests == 1
    assert record.jobs_seen == 2
    shop = Application.objects.get(full_name="mall/shop")
    assert shop.display_name == "商城前台"
    assert shop.project.key == "mall"
    assert [p["name"] for p in shop.parameters] == ["ENV", "TAG"]
    assert shop.parameters[0]["choices"] == ["prod", "staging"]


def test_a_second_sync_with_nothing_changed_changes_nothing(
    small_jenkins: Callable[..., Jenkins],
) -> None:
    jenkins = small_jenkins(jobs=[SHOP, PAY])
    run_sync(jenkins.client, CatalogOptions())
    before = list(Application.objects.values_list("id", "changed_at"))

    record = run_sync(jenkins.client, CatalogOptions())

    assert (record.added, record.changed, record.removed, record.changes) == (0, 0, 0, [])
    assert list(Application.objects.values_list("id", "changed_at")) == before
    assert CatalogSync.objects.count() == 2


def test_it_records_parameter_changes_name_by_name(small_jenkins: Callable[..., Jenkins]) -> None:
    jenkins = small_jenkins(jobs=[SHOP])
    run_sync(jenkins.client, CatalogOptions())
    jenkins.control.put_job(
        path="mall/shop",
        display_name="商城前台",
        parameters=[
            {"name": "ENV", "type": "choice", "choices": ["prod", "staging", "gray"]},
            {"name": "RELEASE_TYPE", "type": "choice", "choices": ["全量", "灰度"]},
        ],
    )

    record = run_sync(jenkins.client, CatalogOptions())

    assert record.changed == 1
    [change] = record.changes
    assert change["application"] == "mall/shop"
    assert change["change"] == "changed"
    parameters = change["details"]["parameters"]
    assert parameters["added"] == ["RELEASE_TYPE"]
    assert parameters["removed"] == ["TAG"]
    assert parameters["changed"]["ENV"]["choices"] == [
        ["prod", "staging"],
        ["prod", "staging", "gray"],
    ]
    shop = Application.objects.get(full_name="mall/shop")
    assert [p["name"] for p in shop.parameters] == ["ENV", "RELEASE_TYPE"]


def test_it_records_field_changes(small_jenkins: Callable[..., Jenkins]) -> None:
    jenkins = small_jenkins(jobs=[SHOP])
    run_sync(jenkins.client, CatalogOptions())
    jenkins.control.put_job(**{**SHOP, "display_name": "商城", "disabled": True})

    record = run_sync(jenkins.client, CatalogOptions())

    fields = record.changes[0]["details"]["fields"]
    assert fields["display_name"] == ["商城前台", "商城"]
    assert fields["buildable"] == [True, False]


def test_a_job_gone_from_jenkins_is_marked_removed_not_deleted(
    small_jenkins: Callable[..., Jenkins],
) -> None:
    jenkins = small_jenkins(jobs=[SHOP, PAY])
    run_sync(jenkins.client, CatalogOptions())
    jenkins.control.remove_job("payment/gateway")

    record = run_sync(jenkins.client, CatalogOptions())

    assert (record.removed, record.changes[0]["application"]) == (1, "payment/gateway")
    gateway = Application.objects.get(full_name="payment/gateway")
    assert not gateway.present
    assert gateway.removed_at is not None
    assert not gateway.project.present


def test_a_job_that_comes_back_is_added_again(small_jenkins: Callable[..., Jenkins]) -> None:
    jenkins = small_jenkins(jobs=[SHOP, PAY])
    run_sync(jenkins.client, CatalogOptions())
    jenkins.control.remove_job("payment/gateway")
    run_sync(jenkins.client, CatalogOptions())
    jenkins.control.put_job(**PAY)

    record = run_sync(jenkins.client, CatalogOptions())

    assert record.added == 1
    gateway = Application.objects.get(full_name="payment/gateway")
    assert gateway.present
    assert gateway.removed_at is None
    assert gateway.project.present
