from __future__ import annotations

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import submit, sync_demo
from releasegate.integrations.jenkins.client import JenkinsClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_catalog(jenkins_client: JenkinsClient) -> None:
    sync_demo(jenkins_client)


@pytest.mark.parametrize(
    ("project", "application", "message"),
    [
        ("", "mall/web-frontend", "请选择项目"),
        ("不存在 (nowhere)", "mall/web-frontend", "项目 不存在 (nowhere) 不存在或未开放发布"),
        ("商城 (mall)", "", "请选择应用"),
        ("商城 (mall)", "幽灵服务", "应用 幽灵服务 不在项目 商城 中，或未开放发布"),
        (
            "支付中心 (payment)",
            "商城前端 (mall/web-frontend)",
            "应用 商城前端 (mall/web-frontend) 不在项目 支付中心 中，或未开放发布",
        ),
        (
            "商城 (mall)",
            "旧版后台 (mall/legacy-admin)",
            "应用 旧版后台 (mall/legacy-admin) 不在项目 商城 中，或未开放发布",
        ),
    ],
)
def test_the_form_is_refused_with_the_reason(
    client: Client, project: str, application: str, message: str
) -> None:
    answer = submit(client, project=project, application=application)

    assert answer == {"valid": False, "message": message, "problems": [message]}
