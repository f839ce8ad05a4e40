from __future__ import annotations

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import submit, sync_demo
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    sync_demo(jenkins_client)


def test_a_choice_the_job_does_not_offer_is_refused(client: Client) -> None:
    answer = submit(client, parameters={"BRANCH": "feature/x", "ENV": "prod"})

    assert answer["valid"] is False
    assert answer["message"] == (
        "参数 BRANCH（分支或标签） 的值 'feature/x' 不在可选范围内"
        "（可选：master、release/2026.11、hotfix/cart-total）"
    )


def test_a_release_type_the_job_does_not_offer_is_refused(client: Client) -> None:
    answer = submit(client, release_type="蓝绿")

    assert answer["message"] == (
        "参数 RELEASE_TYPE（发布类型） 的值 '蓝绿' 不在可选范围内（可选：全量、灰度）"
    )


def test_a_release_type_is_free_text_for_a_job_without_the_parameter(client: Client) -> None:
    answer = submit(
        client, project="运维平台", application="配置中心", release_type="蓝绿", parameters={}
    )

    assert answer["valid"] is True


def test_a_boolean_that_is_not_true_or_false_is_refused(client: Client) -> None:
    answer = submit(
        client,
        project="payment",
        application="payment/gateway",
        release_type="",
        parameters={"ENV": "prod", "DRY_RUN": "maybe"},
    )

    assert answer["message"] == "参数 DRY_RUN（只演练, 不发布） 只能是 true 或 false，收到 'maybe'"


def test_a_parameter_the_job_does_not_have_is_refused(client: Client) -> None:
    answer = submit(client, application="订单服务 (mall/order-service)", parameters={"ENV": "prod"})

    assert answer["message"] == "应用 订单服务 没有参数 ENV，请清空该字段"


def test_every_problem_is_reported_at_once(client: Client) -> None:
    answer = submit(client, release_type="蓝绿", parameters={"BRANCH": "x", "ENV": "dev"})

    assert len(answer["problems"]) == 3
    assert answer["message"] == "；".join(answer["problems"])
