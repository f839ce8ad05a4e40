"""A request of ReleaseGate's own approvals has its page on the dashboard: who decides
and what each said, and, for an approver whose word it waits for (only them), Approve and
Refuse with a reason. The buttons are a CSRF-protected POST; anyone else's POST is
refused."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.releases import inbox
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.ports import Decision, ReleaseRequest
from releasegate.releases.models import InboundEvent, LocalApproval, LocalDecision, Release

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_catalog", "local_approvals"),
]
ORDER = ReleaseRequest(
    project="mall", application="mall/order-service", parameters={"TAG": "v3.8.0"}
)


@pytest.fixture
def asked() -> str:
    """张三's request for the order service, waiting for two of its three approvers."""
    return registry.for_requests().source.start("zhangsan", ORDER)


def signed_in_as(client: Client, person: Callable[..., User], login: str) -> Client:
    client.force_login(person(login))
    return client


def decide(client: Client, instance_id: str, **form: str) -> str:
    response = client.post(f"/requests/{instance_id}/decide", form, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_an_approver_sees_the_request_and_the_decision_buttons(
    client: Client, person: Callable[..., User], asked: str
) -> None:
    page = signed_in_as(client, person, "lisi").get(f"/requests/{asked}/").content.decode()

    assert 'data-testid="decide-form"' in page
    assert re.findall(r'data-approver="(\w+)"', page) == ["lisi", "wangwu", "zhaoliu"]
    assert "需要其中 2 位同意" in page
    assert "订单服务 (mall/order-service)" in page


@pytest.mark.parametrize("login", ["zhangsan", "qianqi"])
def test_nobody_else_is_offered_the_buttons(
    client: Client, person: Callable[..., User], asked: str, login: str
) -> None:
    page = signed_in_as(client, person, login).get(f"/requests/{asked}/").content.decode()

    assert 'data-testid="decide-form"' not in page
    assert 'data-approver="lisi"' in page


def test_approving_records_the_decision_and_says_so(
    client: Client, person: Callable[..., User], asked: str
) -> None:
    page = decide(signed_in_as(client, person, "lisi"), asked, decision="approve", reason="看过了")

    assert f"你已同意申请 {asked}。" in page
    assert 'data-testid="decide-form"' not in page
    decision = LocalDecision.objects.get()
    assert (decision.approver, decision.decision, decision.remark) == ("lisi", "approve", "看过了")
    assert InboundEvent.objects.get().event_type == "local_decision"


def test_the_second_approval_approves_the_request(
    client: Client, person: Callable[..., User], asked: str
) -> None:
    registry.get("local").source.act(asked, "wangwu", "wangwu", Decision.APPROVE, "")

    decide(signed_in_as(client, person, "zhaoliu"), asked, decision="approve")

    assert LocalApproval.objects.get().status == "approved"


def test_refusing_needs_a_reason(client: Client, person: Callable[..., User], asked: str) -> None:
    lisi = signed_in_as(client, person, "lisi")

    page = decide(lisi, asked, decision="refuse", reason="  ")

    assert "请写明拒绝理由" in page
    assert not LocalDecision.objects.exists()
    page = decide(lisi, asked, decision="refuse", reason="今天封网")
    assert f"你已拒绝申请 {asked}，申请人会收到通知。" in page
    assert LocalApproval.objects.get().status == "refused"
    assert 'data-testid="request-ended">已拒绝<' in page


def test_a_decision_already_in_is_not_taken_again(
    client: Client, person: Callable[..., User], asked: str
) -> None:
    lisi = signed_in_as(client, person, "lisi")
    decide(lisi, asked, decision="approve")

    page = decide(lisi, asked, decision="refuse", reason="改主意了")

    assert f"你的决定未被接受：lisi 已经审批过 #{asked}" in page
    assert list(LocalDecision.objects.values_list("decision", flat=True)) == ["approve"]


@pytest.mark.parametrize("login", ["zhangsan", "qianqi"])
def test_a_post_from_anyone_else_is_refused(
    client: Client, person: Callable[..., User], asked: str, login: str
) -> None:
    other = signed_in_as(client, person, login)

    response = other.post(f"/requests/{asked}/decide", {"decision": "approve"})

    assert response.status_code == 403
    assert not LocalDecision.objects.exists()


def test_the_buttons_need_the_csrf_token(person: Callable[..., User], asked: str) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person("lisi"))
    page = browser.get(f"/requests/{asked}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None

    forged = browser.post(f"/requests/{asked}/decide", {"decision": "approve"})
    sent = browser.post(
        f"/requests/{asked}/decide", {"decision": "approve", "csrfmiddlewaretoken": token[1]}
    )

    assert forged.status_code == 403
    assert sent.status_code == 302
    assert LocalDecision.objects.count() == 1


def test_an_unknown_request_is_not_found(client: Client, person: Callable[..., User]) -> None:
    response = signed_in_as(client, person, "lisi").post(
        "/requests/999/decide", {"decision": "approve"}
    )

    assert response.status_code == 404


def test_it_speaks_english_too(client: Client, person: Callable[..., User], asked: str) -> None:
    lisi = signed_in_as(client, person, "lisi")
    client.cookies["django_language"] = "en"

    page = lisi.get(f"/requests/{asked}/").content.decode()

    assert "2 of them must approve; one refusal refuses." in page
    assert ">Approve<" in page and ">Refuse<" in page


def test_the_release_it_becomes_links_back_to_its_page(
    client: Client, person: Callable[..., User], asked: str
) -> None:
    for approver in ("lisi", "wangwu"):
        registry.get("local").source.act(asked, approver, approver, Decision.APPROVE, "")
    for event_id in inbox.pending():
        inbox.process(event_id, registry.sources())
    release = Release.objects.get()

    page = signed_in_as(client, person, "zhangsan").get(f"/releases/{release.pk}/")

    assert f'href="/requests/{asked}/" data-testid="approval-link"' in page.content.decode()
    request_page = client.get(f"/requests/{asked}/").content.decode()
    assert f'href="/releases/{release.pk}/" data-testid="request-release-link"' in request_page
