from __future__ import annotations

import pytest

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application, find_project, option_label
from releasegate.catalog.sync import run_sync
from releasegate.config import CatalogOptions
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(jenkins_client: JenkinsClient) -> snapshot.CatalogSnapshot:
    run_sync(jenkins_client, CatalogOptions())
    return snapshot.current()


def test_option_labels_show_the_key_only_when_it_says_more() -> None:
    assert option_label("订单服务", "mall/order-service") == "订单服务 (mall/order-service)"
    assert option_label("mall", "mall") == "mall"
    assert option_label("未分组", "") == "未分组"


def test_a_project_is_found_by_key_name_or_label(catalog: snapshot.CatalogSnapshot) -> None:
    for text in ("mall", "商城", "商城 (mall)", " 商城 "):
        project = find_project(catalog, text)
        assert project is not None and project.key == "mall", text
    assert find_project(catalog, "不存在") is None


def test_an_application_is_found_by_full_name_name_or_label(
    catalog: snapshot.CatalogSnapshot,
) -> None:
    for text in ("mall/order-service", "订单服务", "订单服务 (mall/order-service)"):
        found = find_application(catalog, text, "商城")
        assert found is not None and found.full_name == "mall/order-service", text


def test_an_application_must_belong_to_the_chosen_project(
    catalog: snapshot.CatalogSnapshot,
) -> None:
    assert find_application(catalog, "mall/order-service", "payment") is None
    assert find_application(catalog, "订单服务", "不存在的项目") is None
    found = find_application(catalog, "订单服务")
    assert found is not None and found.project_key == "mall"


def test_disabled_and_unknown_applications_are_not_found(
    catalog: snapshot.CatalogSnapshot,
) -> None:
    assert find_application(catalog, "mall/legacy-admin", "mall") is None
    assert find_application(catalog, "旧版后台") is None
    assert find_application(catalog, "") is None
