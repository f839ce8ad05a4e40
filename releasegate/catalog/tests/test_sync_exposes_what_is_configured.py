from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.catalog import snapshot
from releasegate.catalog.models import Application, Project
from releasegate.catalog.sync import is_exposed, readable_name, run_sync
from releasegate.catalog.tests.conftest import Jenkins
from releasegate.config import CatalogOptions

JOBS = [
    {"path": "mall/shop"},
    {"path": "mall/legacy-admin"},
    {"path": "mall/old-shop", "disabled": True},
    {"path": "ops/backup", "kind": "freestyle"},
    {"path": "lonely-job", "description": "A job outside any folder"},
]


def test_globs_include_and_exclude_full_names() -> None:
    options = CatalogOptions(include=["mall/*"], exclude=["mall/legacy-*"])

    assert is_exposed("mall/shop", options)
    assert is_exposed("mall/sub/deeper", options)
    assert not is_exposed("mall/legacy-admin", options)
    assert not is_exposed("ops/backup", options)


def test_readable_names_prefer_display_name_then_a_short_description() -> None:
    assert readable_name("订单服务", "order-service", "") == "订单服务"
    assert readable_name("order-service", "order-service", "订单中心\n更多说明") == "订单中心"
    assert readable_name("order-service", "order-service", "x" * 61) == "order-service"
    assert readable_name("", "order-service", "") == "order-service"


@pytest.mark.django_db
def test_only_exposed_enabled_jobs_are_offered(small_jenkins: Callable[..., Jenkins]) -> None:
    jenkins = small_jenkins(jobs=JOBS)
    options = CatalogOptions(include=["mall/*", "lonely-job"], exclude=["mall/legacy-*"])

    run_sync(jenkins.client, options)

    offered = snapshot.current().applications_by_name
    assert sorted(offered) == ["lonely-job", "mall/shop"]
    stored = {app.full_name: (app.exposed, app.buildable) for app in Application.objects.all()}
    assert stored["mall/legacy-admin"] == (False, True)
    assert stored["mall/old-shop"] == (True, False)
    assert stored["ops/backup"] == (False, True)


@pytest.mark.django_db
def test_projects_are_named_from_folders_configuration_or_the_root(
    small_jenkins: Callable[..., Jenkins],
) -> None:
    jenkins = small_jenkins(
        jobs=JOBS, folders=[{"path": "mall", "display_name": "商城", "description": "线上商城"}]
    )
    options = CatalogOptions(project_names={"ops": "运维"}, root_project_name="其他")

    run_sync(jenkins.client, options)

    names = {p.key: (p.display_name, p.description) for p in Project.objects.all()}
    assert names == {"mall": ("商城", "线上商城"), "ops": ("运维", ""), "": ("其他", "")}
    lonely = snapshot.current().applications_by_name["lonely-job"]
    assert lonely.display_name == "A job outside any folder"
