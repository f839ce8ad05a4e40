"""Each approver gets a card in their DingTalk chat when their task opens; its buttons
act on that task through `processInstances/execute`, and the approval goes on as it
does in DingTalk itself: all agree and one release is made, one refuses and none is.
Over real sockets: the simulator delivers the cards, calls ReleaseGate back when a
person clicks, and pushes the approval's events."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from releasegate.catalog import snapshot
from releasegate.catalog.models import Application
from releasegate.integrations.dingtalk.tests.cards import FORM, TEMPLATE, CardDesk, open_desk
from releasegate.releases.models import ApprovalCard, Release
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]


@pytest.fixture
def desk(
    live_server: LiveServer, start_dingtalk: Callable[..., DingTalkSimulator], settings: Settings
) -> CardDesk:
    simulator = start_dingtalk(event_url=f"{live_server.url}/dingtalk/events")
    return open_desk(live_server, simulator, settings)


def test_it_delivers_one_card_to_the_approver_whose_task_opened(desk: CardDesk) -> None:
    desk.control.submit("zhangsan", FORM)

    assert desk.deliver() == "1 cards delivered, 0 failed, 0 closed"
    assert desk.deliver() == "0 cards delivered, 0 failed, 0 closed"

    [card] = desk.control.cards()
    assert (card["userId"], card["cardTemplateId"]) == ("lisi", TEMPLATE)
    assert card["private"] == {"lisi": {"can_act": "true"}}
    assert "订单服务 (mall/order-service)" in card["public"]["markdown"]
    assert "申请人：zhangsan；审批人：lisi" in card["public"]["markdown"]
    assert card["public"]["status_text"] == "等待 lisi 审批"
    # What the release changes, as every approver notice says it.
    assert "- 参数对比：首次发布，没有上次成功的发布可比" in card["public"]["markdown"]


def test_it_agrees_from_the_cards_and_one_release_is_made(
    desk: CardDesk, client: Client, django_user_model: type[User]
) -> None:
    instance_id = desk.control.submit("zhangsan", FORM)
    desk.deliver()

    clicked = desk.click("lisi", "lisi", "agree")
    desk.deliver()
    desk.click("wangwu", "wangwu", "agree")
    desk.process_inbox()

    assert clicked["outcome"] == "answered"
    assert clicked["card"]["public"]["status_text"] == "lisi 已在卡片中同意"
    assert clicked["card"]["private"]["lisi"]["can_act"] == "false"
    assert desk.executes() == 2
    assert desk.control.instance(instance_id)["status"] == "COMPLETED"
    release = Release.objects.get()
    assert release.approval.instance_id == instance_id
    clicks = release.events.filter(kind="card-click").order_by("at", "id")
    assert [(e.actor, e.details["acted"]) for e in clicks] == [
        ("dingtalk:lisi", True),
        ("dingtalk:wangwu", True),
    ]
    assert set(ApprovalCard.objects.values_list("state", flat=True)) == {"agreed"}
    client.force_login(django_user_model.objects.create_user("zhangsan"))
    page = client.get(f"/releases/{release.pk}/").content.decode()
    assert page.count('data-kind="card-click"') == 2
    assert "agree on the card: their task was decided" in page


def test_a_refusal_from_the_card_makes_no_release(desk: CardDesk) -> None:
    instance_id = desk.control.submit("zhangsan", FORM)
    desk.deliver()

    clicked = desk.click("lisi", "lisi", "refuse")
    desk.process_inbox()

    assert clicked["card"]["public"]["status_text"] == "lisi 已在卡片中拒绝"
    described = desk.control.instance(instance_id)
    assert (described["status"], described["result"]) == ("COMPLETED", "refuse")
    assert described["operationRecords"][-1]["remark"] == "在卡片中拒绝"
    assert Release.objects.count() == 0


def test_a_person_clicks_the_card_on_the_simulators_page(desk: CardDesk) -> None:
    desk.control.submit("zhangsan", FORM)
    desk.deliver()
    out_track_id = desk.card_of("lisi")["outTrackId"]
    base = desk.control.app()["robot_webhook"].split("robot/send")[0]

    page = httpx.get(f"{base}_sim/", timeout=10)
    clicked = httpx.post(
        f"{base}_sim/cards/click",
        data={"out_track_id": out_track_id, "user": "lisi", "action": "agree"},
        timeout=10,
    )

    assert f"id='card-{out_track_id}'" in page.text
    assert "等待 lisi 审批" in page.text and ">同意</button>" in page.text
    assert (clicked.status_code, clicked.headers["location"]) == (303, "/_sim/")
    assert ApprovalCard.objects.get().state == "agreed"
    # The page shows the card as its recipient sees it.
    assert "你已在卡片中同意" in httpx.get(f"{base}_sim/", timeout=10).text


def test_a_password_parameter_is_masked_on_the_card(desk: CardDesk) -> None:
    application = Application.objects.get(full_name="mall/order-service")
    application.parameters = [
        {**p, "kind": "password"} if p["name"] == "TAG" else p for p in application.parameters
    ]
    application.save()
    snapshot.refresh()
    desk.control.submit("zhangsan", FORM)

    desk.deliver()

    markdown = desk.card_of("lisi")["public"]["markdown"]
    assert "v3.8.0" not in markdown
    assert "分支或标签：******" in markdown
