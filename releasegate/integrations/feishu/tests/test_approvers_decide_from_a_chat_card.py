"""Each approver of a Feishu release request gets a card in their chat with what the
request asks for; its 同意 and 拒绝 buttons decide that approver's own task through
Feishu's approval API, the card then shows the outcome, and the approvals' events take
the request on as any decision would: approved by both, exactly one release and one
build; refused, none. Over real sockets: the simulator's person clicks, Feishu calls
ReleaseGate's event endpoint, ReleaseGate calls Feishu's API."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from releasegate.integrations.feishu.cards import KIND, reference, send_due_cards
from releasegate.integrations.feishu.tests.card_world import (
    APPROVE,
    OPEN_ID,
    REJECT,
    CardWorld,
)
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.releases.engine.context import EngineContext
from releasegate.releases.engine.worker import Worker
from releasegate.releases.models import Notification, NotificationState, Release, ReleaseState
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]
STARTED = (ReleaseState.QUEUED, ReleaseState.RUNNING, ReleaseState.WAITING_INPUT)


def test_each_approver_gets_one_card_with_the_request_and_two_buttons(
    card_world: CardWorld,
) -> None:
    card_world.request()
    send_due_cards(card_world.approvals, timezone.now())  # a second pass sends nothing new

    for user in ("lisi", "wangwu"):
        cards = card_world.control.messages("message", OPEN_ID[user])
        assert len(cards) == 1
        card = cards[0]["content"]
        assert card["header"]["title"]["content"] == "待你审批：mall/order-service 发布申请"
        assert "- 应用名称：mall/order-service" in card["elements"][0]["content"]
        buttons = card["elements"][-1]["actions"]
        assert [b["text"]["content"] for b in buttons] == ["同意", "拒绝"]
    assert card_world.control.messages("message", OPEN_ID["zhangsan"]) == []


def test_approving_from_both_cards_makes_one_release_and_one_build(
    card_world: CardWorld, jenkins: JenkinsSimulator, jenkins_client: JenkinsClient
) -> None:
    code = card_world.request()

    first = card_world.click("lisi", APPROVE)
    second = card_world.click("wangwu", APPROVE)

    assert first["toast"] == {"type": "success", "content": "你已同意"}
    assert first["card_updated"] and second["card_updated"]
    shown = card_world.card_of("lisi")["content"]
    assert shown["header"]["template"] == "green"
    assert "你已同意" in shown["elements"][-1]["content"]
    assert card_world.control.instance(code)["status"] == "APPROVED"
    card_world.process_inbox()
    release = Release.objects.get()
    assert release.approval.instance_id == code
    events = list(release.events.order_by("at", "pk"))
    decisions = [e.reason for e in events if e.kind == "approver-decision"]
    assert decisions == ["approved: 在飞书卡片中同意"] * 2
    clicks = [e for e in events if e.kind == "card-click"]
    assert {e.actor for e in clicks} == {f"feishu:{OPEN_ID['lisi']}", f"feishu:{OPEN_ID['wangwu']}"}

    context = EngineContext(jenkins=jenkins_client, options=settings.CONFIG.options.releases)
    worker = Worker(context, sources={"feishu": card_world.approvals})
    for _ in range(20):
        worker.run_once()
        release.refresh_from_db()
        if release.state in STARTED:
            break
    assert release.state in STARTED
    assert len(SimulatorControl(jenkins.url).builds()) == 1


def test_refusing_from_a_card_makes_no_release(card_world: CardWorld) -> None:
    code = card_world.request()

    refused = card_world.click("lisi", REJECT)

    assert refused["toast"]["content"] == "你已拒绝"
    instance = card_world.control.instance(code)
    assert instance["status"] == "REJECTED"
    comments = [entry.get("comment") for entry in instance["timeline"]]
    assert "在飞书卡片中拒绝" in comments
    card_world.process_inbox()
    assert Release.objects.count() == 0
    assert card_world.card_of("lisi")["content"]["header"]["template"] == "red"


def test_a_task_id_carded_in_another_approval_still_gets_its_card(card_world: CardWorld) -> None:
    # Feishu's task ids are only known unique within an instance (the simulator's restart).
    now = timezone.now()
    Notification.objects.create(
        kind=KIND,
        provider="feishu",
        channel="people",
        recipients=[OPEN_ID["lisi"]],
        title="an earlier card",
        markdown="",
        state=NotificationState.SENT,
        created_at=now,
        next_attempt_at=now,
        reference=reference("ANOTHER-INSTANCE", "7214845521813110812"),
    )

    card_world.request()

    assert len(card_world.control.messages("message", OPEN_ID["lisi"])) == 1
