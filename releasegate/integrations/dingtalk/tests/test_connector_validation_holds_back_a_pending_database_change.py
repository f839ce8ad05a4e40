from __future__ import annotations

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import submit, sync_demo
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.releases.rules import DB_CHANGE_PENDING

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    sync_demo(jenkins_client)


@pytest.mark.parametrize("done", ["否", "", "未完成", None, False])
def test_a_database_change_not_yet_done_blocks_the_submission(
    client: Client, done: str | bool | None
) -> None:
    answer = submit(client, db_change="是", db_change_done=done)

    assert answer == {
        "valid": False,
        "message": DB_CHANGE_PENDING,
        "problems": [DB_CHANGE_PENDING],
    }
    assert DB_CHANGE_PENDING == "有数据库变更且尚未完成：请先完成数据库变更，再提交发布申请"


@pytest.mark.parametrize(
    ("change", "done"), [("是", "已完成"), ("否", ""), ("无", ""), ("yes", "Y")]
)
def test_no_change_or_a_finished_one_lets_the_form_through(
    client: Client, change: str, done: str
) -> None:
    answer = submit(client, db_change=change, db_change_done=done)

    assert answer["valid"] is True


@pytest.mark.parametrize("change", ["", "有数据库变更", "maybe"])
def test_an_answer_that_is_neither_yes_nor_no_is_not_read_as_no(
    client: Client, change: str
) -> None:
    answer = submit(client, db_change=change, db_change_done="")

    assert answer["valid"] is False
    assert "请选择 是 或 否" in answer["message"]
