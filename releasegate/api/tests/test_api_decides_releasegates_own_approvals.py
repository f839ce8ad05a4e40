"""ReleaseGate's own approvals over the API: what waits for my decision, one approval,
and `approve` / `refuse` as the token's user. A body it cannot read is a 400 naming the
field, someone who is not an approver (or who asked) gets 403, a decision that is no
longer possible 409, an unknown approval 404."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from releasegate.api.tests.conftest import person, token_client
from releasegate.config import LocalOptions
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.models import InboundEvent, LocalApproval, LocalDecision

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_catalog", "local_approvals"),
]
ORDER = {"project": "mall", "application": "mall/order-service", "parameters": {"TAG": "v3.8.0"}}


@pytest.fixture
def lisi() -> APIClient:
    return token_client(person("lisi"))


@pytest.fixture
def asked(api: APIClient) -> int:
    """张三's request for the order service, started over the API."""
    response = api.post("/api/requests", ORDER, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["approval_provider"] == "local"
    return int(response.json()["approval_instance_id"])


def decide(client: APIClient, pk: int, decision: str, body: Any = None) -> Any:
    return client.post(f"/api/approvals/{pk}/{decision}", body or {}, format="json")


def test_an_approver_lists_what_waits_for_them(lisi: APIClient, asked: int) -> None:
    [waiting] = lisi.get("/api/approvals").json()

    assert waiting["id"] == asked
    assert (waiting["status"], waiting["originator"], waiting["required"]) == (
        "pending",
        "zhangsan",
        2,
    )
    assert waiting["approvers"] == ["lisi", "wangwu", "zhaoliu"]
    assert {"name": "分支或标签", "value": "v3.8.0"} in waiting["form"]
    assert waiting["decisions"] == [] and waiting["release_id"] is None


def test_the_person_who_asked_has_nothing_to_decide(api: APIClient, asked: int) -> None:
    assert api.get("/api/approvals").json() == []
    assert api.get(f"/api/approvals/{asked}").json()["id"] == asked


def test_approving_records_the_decision_and_answers_the_approval(
    lisi: APIClient, asked: int
) -> None:
    response = decide(lisi, asked, "approve", {"reason": "看过了"})

    assert response.status_code == 200, response.content
    [decision] = response.json()["decisions"]
    assert (decision["approver"], decision["decision"], decision["remark"]) == (
        "lisi",
        "approve",
        "看过了",
    )
    assert response.json()["status"] == "pending"
    assert lisi.get("/api/approvals").json() == []


def test_the_second_approval_approves_it(lisi: APIClient, asked: int) -> None:
    decide(lisi, asked, "approve")

    response = decide(token_client(person("wangwu")), asked, "approve")

    assert response.json()["status"] == "approved"
    assert InboundEvent.objects.filter(event_type="local_decision").count() == 2


def test_refusing_says_why_and_refuses_it(lisi: APIClient, asked: int) -> None:
    response = decide(lisi, asked, "refuse", {"reason": "今天封网"})

    assert response.status_code == 200
    assert response.json()["status"] == "refused"
    assert LocalDecision.objects.get().remark == "今天封网"


@pytest.mark.parametrize(
    ("decision", "body", "field"),
    [
        ("refuse", {}, "reason"),
        ("refuse", {"reason": ""}, "reason"),
        ("refuse", {"reason": 42}, "reason"),
        ("approve", {"reason": ["ok"]}, "reason"),
        ("approve", {"reson": "ok"}, "reson"),
        ("approve", [], "non_field_errors"),
        ("refuse", {"reason": "x" * 2001}, "reason"),
    ],
    ids=[
        "no reason",
        "an empty reason",
        "a number",
        "a list",
        "a misspelt field",
        "a list body",
        "too long",
    ],
)
def test_a_body_it_cannot_read_is_a_400_naming_the_field(
    lisi: APIClient, asked: int, decision: str, body: Any, field: str
) -> None:
    response = lisi.post(f"/api/approvals/{asked}/{decision}", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not LocalDecision.objects.exists()


@pytest.mark.parametrize("login", ["zhangsan", "qianqi"])
def test_someone_who_is_not_its_approver_is_forbidden(
    api: APIClient, asked: int, login: str
) -> None:
    client = api if login == "zhangsan" else token_client(person(login))

    response = decide(client, asked, "approve")

    assert response.status_code == 403
    said = "申请人不能审批自己的发布申请" if login == "zhangsan" else f"{login} 不是审批"
    assert said in response.json()["detail"]
    assert not LocalDecision.objects.exists()


def test_a_decision_no_longer_possible_is_a_409_saying_where_it_stands(
    lisi: APIClient, asked: int
) -> None:
    decide(lisi, asked, "approve")

    again = decide(lisi, asked, "refuse", {"reason": "改主意了"})
    decide(token_client(person("wangwu")), asked, "refuse", {"reason": "不行"})
    late = decide(token_client(person("zhaoliu")), asked, "approve")

    assert again.status_code == 409
    assert again.json() == {"detail": f"lisi 已经审批过 #{asked}", "status": "pending"}
    assert late.status_code == 409
    assert late.json() == {"detail": f"审批 #{asked} 已被拒绝", "status": "refused"}


def test_an_unknown_approval_is_a_404(lisi: APIClient) -> None:
    assert decide(lisi, 999, "approve").status_code == 404
    assert lisi.get("/api/approvals/999").status_code == 404


def test_without_groups_deciding_is_a_409_and_nothing_waits(
    lisi: APIClient, settings: Settings
) -> None:
    request = ReleaseRequest(project="mall", application="mall/order-service")
    pk = int(registry.get("local").source.start("zhangsan", request))
    options = settings.CONFIG.options.model_copy(update={"local": LocalOptions()})
    settings.CONFIG = dataclasses.replace(settings.CONFIG, options=options)

    response = decide(lisi, pk, "approve")

    assert response.status_code == 409
    assert "local is not configured" in response.json()["detail"]
    assert LocalApproval.objects.get().status == "pending"


def test_a_request_no_group_covers_is_a_400_with_the_reason(api: APIClient) -> None:
    gateway = {"BRANCH": "v2.4.1", "ENV": "prod"}
    body = {"project": "payment", "application": "payment/gateway", "parameters": gateway}

    response = api.post("/api/requests", body, format="json")

    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert "项目 payment 的应用 payment/gateway 没有配置审批组" in problem
    assert not LocalApproval.objects.exists()


def test_it_needs_a_token(asked: int) -> None:
    anonymous = APIClient()

    assert anonymous.get("/api/approvals").status_code == 401
    assert decide(anonymous, asked, "approve").status_code == 401
