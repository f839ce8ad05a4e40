"""With approver groups configured, the "new release" page starts the request in
ReleaseGate's own approvals, the signed-in person as its originator, and shows its page;
a project no group covers is refused with the reason, and nothing is started."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.releases.models import InboundEvent, LocalApproval

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_catalog", "local_approvals"),
]
ORDER = {
    "project": "mall",
    "application": "mall/order-service",
    "release_type": "全量",
    "param-TAG": "v3.8.0",
    "release_time": "",
    "db_change": "no",
}


def test_the_request_waits_for_its_group(client: Client, person: Callable[..., User]) -> None:
    client.force_login(person("zhangsan"))

    response = client.post("/requests/new", ORDER)

    approval = LocalApproval.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{approval.pk}/"
    assert (approval.originator, approval.approvers) == ("zhangsan", ["lisi", "wangwu", "zhaoliu"])
    assert dict(approval.form)["分支或标签"] == "v3.8.0"
    assert InboundEvent.objects.get().provider == "local"
    page = client.get(response["Location"]).content.decode()
    assert "等待ReleaseGate审批" in page
    assert 'data-testid="decide-form"' not in page


def test_a_project_without_a_group_is_refused_with_the_reason(
    client: Client, person: Callable[..., User]
) -> None:
    client.force_login(person("zhangsan"))
    gateway = {**ORDER, "project": "payment", "application": "payment/gateway", "param-TAG": ""}
    gateway.pop("param-TAG")

    response = client.post(
        "/requests/new", {**gateway, "param-BRANCH": "v2.4.1", "param-ENV": "prod"}
    )

    assert response.status_code == 400
    assert "项目 payment 的应用 payment/gateway 没有配置审批组" in response.content.decode()
    assert not LocalApproval.objects.exists()
