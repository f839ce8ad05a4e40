from __future__ import annotations

import time

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import (
    call,
    fixture,
    submit,
    sync_demo,
)
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    sync_demo(jenkins_client)


def test_a_complete_form_is_valid_with_an_empty_message(client: Client) -> None:
    status, answer = call(client, "validate", fixture("form_ready_to_release"))

    assert status == 200
    assert answer == {"valid": True, "message": "", "problems": []}


def test_the_option_ids_are_accepted_as_well_as_the_values(client: Client) -> None:
    answer = submit(client, project="mall", application="mall/web-frontend")

    assert answer["valid"] is True


def test_fields_the_form_leaves_out_take_the_jobs_defaults(client: Client) -> None:
    form = {"project": "运维平台", "application": "配置中心", "db_change": "否"}
    status, answer = call(client, "validate", form)

    assert (status, answer["valid"]) == (200, True)


def test_nulls_and_native_booleans_from_the_form_are_understood(client: Client) -> None:
    answer = submit(
        client,
        release_type=None,
        release_time=None,
        db_change=True,
        db_change_done=True,
        parameters={"BRANCH": None, "ENV": "staging"},
    )

    assert answer["valid"] is True


def test_a_release_time_in_milliseconds_is_read(client: Client) -> None:
    answer = submit(client, release_time=int((time.time() + 3600) * 1000))

    assert answer["valid"] is True
