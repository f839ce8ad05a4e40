"""A card's buttons act only for the card's approver, only while their task is open,
and only once: someone else's click, a second click and DingTalk retrying a callback do
nothing but say why on the clicker's card. Over real sockets, as DingTalk calls back."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from releasegate.integrations.dingtalk.crypto import api_secret_signature
from releasegate.integrations.dingtalk.tests.cards import CARD_SECRET, FORM, CardDesk, open_desk
from releasegate.releases.models import ApprovalCard, CardClick
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]


@pytest.fixture
def desk(
    live_server: LiveServer, start_dingtalk: Callable[..., DingTalkSimulator], settings: Settings
) -> CardDesk:
    simulator = start_dingtalk(event_url=f"{live_server.url}/dingtalk/events")
    return open_desk(live_server, simulator, settings)


def test_someone_elses_click_does_nothing_and_their_card_says_why(desk: CardDesk) -> None:
    instance_id = desk.control.submit("zhangsan", FORM)
    desk.deliver()

    clicked = desk.click("lisi", "wangwu", "agree")

    assert desk.executes() == 0
    assert desk.control.instance(instance_id)["waiting_on"] == ["lisi"]
    card = clicked["card"]
    assert card["private"]["wangwu"] == {
        "status_text": "不是你的审批任务，未做任何操作",
        "can_act": "false",
    }
    # The approver's own card is as it was: still theirs to decide.
    assert card["public"]["status_text"] == "等待 lisi 审批"
    assert card["private"]["lisi"] == {"can_act": "true"}
    assert ApprovalCard.objects.get().state == "pending"


def test_a_second_click_after_the_decision_does_nothing(desk: CardDesk) -> None:
    desk.control.submit("zhangsan", FORM)
    desk.deliver()
    desk.click("lisi", "lisi", "agree")

    again = desk.click("lisi", "lisi", "refuse")

    assert desk.executes() == 1
    assert again["card"]["public"]["status_text"] == "lisi 已在卡片中同意"
    assert [(c.action, c.acted) for c in CardClick.objects.order_by("at", "id")] == [
        ("agree", True),
        ("refuse", False),
    ]


def test_a_retried_callback_acts_once(desk: CardDesk, live_server: LiveServer) -> None:
    desk.control.submit("zhangsan", FORM)
    desk.deliver()
    out_track_id = desk.card_of("lisi")["outTrackId"]
    content = {"cardPrivateData": {"actionIds": ["agree"], "params": {"decision": "agree"}}}
    body = {
        "type": "actionCallback",
        "outTrackId": out_track_id,
        "corpId": "dingreleasegatedemocorp",
        "userId": "lisi",
        "content": json.dumps(content),
    }

    answers = [_signed_callback(live_server, body) for _ in range(2)]

    assert [answer.status_code for answer in answers] == [200, 200]
    assert desk.executes() == 1
    assert answers[1].json()["userPrivateData"]["cardParamMap"]["can_act"] == "false"


def test_a_task_decided_in_dingtalk_closes_its_card(desk: CardDesk) -> None:
    instance_id = desk.control.submit("zhangsan", FORM)
    desk.deliver()
    desk.control.refuse(instance_id, "lisi")

    assert desk.deliver() == "0 cards delivered, 0 failed, 1 closed"

    card = desk.card_of("lisi")
    assert card["public"]["status_text"] == "该审批任务已在别处处理或审批已结束"
    assert card["private"]["lisi"]["can_act"] == "false"
    clicked = desk.click("lisi", "lisi", "agree")
    assert desk.executes() == 0
    assert clicked["card"]["private"]["lisi"]["can_act"] == "false"


def test_a_callback_without_a_good_signature_is_refused(
    desk: CardDesk, live_server: LiveServer
) -> None:
    forged = httpx.post(
        f"{live_server.url}/dingtalk/card",
        json={"type": "actionCallback", "outTrackId": "x", "userId": "lisi", "content": "{}"},
        headers={"x-ddpaas-signature-timestamp": "1", "x-ddpaas-signature": "Zm9yZ2Vk"},
    )
    malformed = _signed_callback(live_server, {"type": "actionCallback", "userId": "lisi"})

    assert forged.status_code == 403
    assert (malformed.status_code, malformed.json()["field"]) == (400, "outTrackId")
    assert desk.executes() == 0


def _signed_callback(live_server: LiveServer, body: dict[str, object]) -> httpx.Response:
    timestamp = str(int(time.time() * 1000))
    headers = {
        "x-ddpaas-signature-timestamp": timestamp,
        "x-ddpaas-signature": api_secret_signature(CARD_SECRET, timestamp),
    }
    return httpx.post(f"{live_server.url}/dingtalk/card", json=body, headers=headers, timeout=10)


def test_a_card_left_acting_by_a_stopped_process_can_be_clicked_again(desk: CardDesk) -> None:
    desk.control.submit("zhangsan", FORM)
    desk.deliver()
    stopped_at = timezone.now() - timedelta(minutes=3)
    ApprovalCard.objects.update(state="acting", updated_at=stopped_at)

    desk.deliver()
    clicked = desk.click("lisi", "lisi", "agree")

    assert desk.executes() == 1
    assert clicked["card"]["public"]["status_text"] == "lisi 已在卡片中同意"
