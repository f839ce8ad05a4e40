from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from releasegate.catalog.sync import run_sync
from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.config import CatalogOptions
from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import call, sync_demo
from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.lib.http import Timeouts
from releasegate.simulators.jenkins.server import JenkinsSimulator

pytestmark = pytest.mark.django_db


def test_it_lists_every_project_as_ids_and_readable_values(
    client: Client, jenkins_client: JenkinsClient
) -> None:
    sync_demo(jenkins_client)

    status, answer = call(client, "projects", {})

    assert status == 200
    assert answer == {
        "ids": ["mall", "ops", "payment"],
        "values": ["商城 (mall)", "运维平台 (ops)", "支付中心 (payment)"],
        "options": [
            {"id": "mall", "value": "商城 (mall)"},
            {"id": "ops", "value": "运维平台 (ops)"},
            {"id": "payment", "value": "支付中心 (payment)"},
        ],
    }


def test_an_empty_body_is_a_call_without_inputs(
    client: Client, jenkins_client: JenkinsClient
) -> None:
    sync_demo(jenkins_client)

    status, answer = call(client, "projects", "")

    assert status == 200
    assert answer["ids"] == ["mall", "ops", "payment"]


def test_jobs_outside_any_folder_form_a_project_with_a_usable_id(
    client: Client, start_jenkins: Callable[..., JenkinsSimulator]
) -> None:
    simulator = start_jenkins(
        {
            "users": [{"name": DEMO_USER, "token": DEMO_TOKEN}],
            "jobs": [{"path": "top-level-tool"}, {"path": "mall/shop"}],
        }
    )
    with JenkinsClient(
        simulator.url, ApiTokenAuth(DEMO_USER, DEMO_TOKEN), timeouts=Timeouts.uniform(5)
    ) as jenkins:
        run_sync(jenkins, CatalogOptions(root_project_name="未分组"))

    _, projects = call(client, "projects", {})
    _, applications = call(client, "applications", {"project": "未分组"})

    assert projects["ids"] == ["未分组", "mall"]
    assert projects["values"] == ["未分组", "mall"]
    assert applications["ids"] == ["top-level-tool"]
