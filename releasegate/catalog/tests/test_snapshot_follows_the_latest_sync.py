from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from releasegate.catalog import snapshot
from releasegate.catalog.models import Application, CatalogSync
from releasegate.catalog.sync import run_sync
from releasegate.catalog.tests.conftest import Jenkins
from releasegate.config import CatalogOptions

pytestmark = pytest.mark.django_db


def test_the_snapshot_carries_projects_applications_and_parameters(
    small_jenkins: Callable[..., Jenkins],
) -> None:
    jenkins = small_jenkins(
        jobs=[
            {
                "path": "mall/shop",
                "parameters": [
                    {"name": "ENV", "type": "choice", "choices": ["prod", "staging"]},
                    {"name": "DB_PASSWORD", "type": "password", "default": "hidden"},
                ],
            }
        ]
    )
    record = run_sync(jenkins.client, CatalogOptions())

    catalog = snapshot.current()

    assert catalog.sync_id == record.pk
    project = catalog.projects_by_key["mall"]
    [shop] = project.applications
    env = shop.parameter("ENV")
    assert env is not None
    assert (env.kind, env.default, env.choices) == ("choice", "prod", ("prod", "staging"))
    password = shop.parameter("DB_PASSWORD")
    assert password is not None
    assert (password.default, password.default_hidden) == (None, True)


def test_a_sync_made_by_another_process_reaches_the_snapshot(
    small_jenkins: Callable[..., Jenkins], monkeypatch: pytest.MonkeyPatch
) -> None:
    jenkins = small_jenkins(jobs=[{"path": "mall/shop"}, {"path": "mall/cart"}])
    run_sync(jenkins.client, CatalogOptions())
    assert sorted(snapshot.current().applications_by_name) == ["mall/cart", "mall/shop"]
    # Another process syncs: rows and a newer sync record appear; this process's
    # snapshot is not refreshed directly.
    Application.objects.filter(full_name="mall/shop").update(exposed=False)
    CatalogSync.objects.create(server="default", started_at=timezone.now(), succeeded=True)

    assert sorted(snapshot.current().applications_by_name) == ["mall/cart", "mall/shop"]
    monkeypatch.setattr(snapshot, "STALE_AFTER", 0.0)
    assert sorted(snapshot.current().applications_by_name) == ["mall/cart"]


def test_a_sync_that_changed_nothing_only_restamps_the_snapshot(
    small_jenkins: Callable[..., Jenkins], monkeypatch: pytest.MonkeyPatch
) -> None:
    jenkins = small_jenkins(jobs=[{"path": "mall/shop"}])
    run_sync(jenkins.client, CatalogOptions())
    loads: list[int] = []

    def counting_load() -> snapshot.CatalogSnapshot:
        loads.append(1)
        return snapshot.CatalogSnapshot((), None, None)

    monkeypatch.setattr(snapshot, "load", counting_load)

    record = run_sync(jenkins.client, CatalogOptions())

    assert loads == []
    assert snapshot.current().sync_id == record.pk
    assert list(snapshot.current().applications_by_name) == ["mall/shop"]


def test_a_sync_that_changed_something_reloads_the_snapshot(
    small_jenkins: Callable[..., Jenkins],
) -> None:
    jenkins = small_jenkins(jobs=[{"path": "mall/shop"}])
    run_sync(jenkins.client, CatalogOptions())
    jenkins.control.put_job(path="mall/cart")

    run_sync(jenkins.client, CatalogOptions())

    assert sorted(snapshot.current().applications_by_name) == ["mall/cart", "mall/shop"]
