from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import call, sync_demo
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db

EMPTY: dict[str, Any] = {"ids": [], "values": [], "options": []}


def listed(*values: str) -> dict[str, Any]:
    return {
        "ids": list(values),
        "values": list(values),
        "options": [{"id": value, "value": value} for value in values],
    }


@pytest.fixture(autouse=True)
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    sync_demo(jenkins_client)


def test_it_offers_branch_environment_and_release_type_from_the_job(client: Client) -> None:
    status, answer = call(
        client,
        "parameters",
        {"project": "商城 (mall)", "application": "商城前端 (mall/web-frontend)"},
    )

    assert status == 200
    assert answer["application"] == {
        "id": "mall/web-frontend",
        "value": "商城前端 (mall/web-frontend)",
    }
    assert answer["choices"] == {
        "BRANCH": listed("master", "release/2026.11", "hotfix/cart-total"),
        "ENV": listed("prod", "staging"),
        "RELEASE_TYPE": listed("全量", "灰度"),
    }
    assert answer["parameters"][0] == {
        "name": "BRANCH",
        "kind": "choice",
        "description": "分支或标签",
        "default": "master",
        "required": False,
        "choices": ["master", "release/2026.11", "hotfix/cart-total"],
        "form_field": "分支或标签",
    }
    assert answer["message"] == ""


def test_mapped_parameters_the_job_lacks_come_back_empty(client: Client) -> None:
    """The connector's output schema is fixed, so BRANCH and ENV are always there. The
    job calls its branch-or-tag parameter TAG, an alternative of BRANCH in the default
    mapping, so TAG's choices fill the 分支或标签 control under BRANCH."""
    _, answer = call(client, "parameters", {"application": "mall/order-service"})

    assert answer["choices"] == {
        "BRANCH": listed("v3.8.0", "v3.7.2", "v3.7.1"),
        "ENV": EMPTY,
        "RELEASE_TYPE": listed("全量", "灰度"),
    }
    tag = answer["parameters"][0]
    assert (tag["name"], tag["form_field"]) == ("TAG", "分支或标签")
    canary = answer["parameters"][2]
    assert (canary["name"], canary["kind"], canary["default"], canary["choices"]) == (
        "CANARY_PERCENT",
        "string",
        "10",
        [],
    )


def test_a_boolean_offers_true_and_false(client: Client) -> None:
    _, answer = call(client, "parameters", {"project": "payment", "application": "支付网关"})

    assert answer["choices"]["DRY_RUN"] == listed("true", "false")
    assert answer["choices"]["RELEASE_TYPE"] == EMPTY
    dry_run = answer["parameters"][2]
    assert (dry_run["kind"], dry_run["default"], dry_run["required"]) == (
        "boolean",
        "false",
        False,
    )


def test_a_git_parameter_offers_no_list_because_jenkins_exports_none(client: Client) -> None:
    """The Git Parameter plugin lists its values live from the repository, never as
    `choices` in the job's definition (reference: jenkins.md §2), so the form takes text."""
    _, answer = call(client, "parameters", {"project": "payment", "application": "支付网关"})

    tag = answer["parameters"][0]
    assert (tag["name"], tag["kind"], tag["default"], tag["choices"]) == (
        "TAG",
        "git",
        "master",
        [],
    )
    assert "TAG" not in answer["choices"]


def test_a_password_default_is_never_shown_nor_required(client: Client) -> None:
    _, answer = call(client, "parameters", {"application": "payment/settlement-batch"})

    password = answer["parameters"][1]
    assert (password["name"], password["default"], password["required"]) == (
        "DB_PASSWORD",
        "",
        False,
    )
    assert "hunter2" not in str(answer)


def test_an_application_of_another_project_is_not_found(client: Client) -> None:
    status, answer = call(
        client, "parameters", {"project": "payment", "application": "mall/web-frontend"}
    )

    assert status == 200
    assert (answer["application"], answer["parameters"]) == (None, [])
    assert answer["choices"] == {"BRANCH": EMPTY, "ENV": EMPTY, "RELEASE_TYPE": EMPTY}
    assert answer["message"] == "应用 mall/web-frontend 不存在或未开放发布"


def test_a_disabled_job_is_not_offered(client: Client) -> None:
    _, answer = call(client, "parameters", {"application": "mall/legacy-admin"})

    assert answer["application"] is None
