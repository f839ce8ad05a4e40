"""A decision card's button decides nothing unless the person who clicked is the task's
approver and the task is still pending, by Feishu's own word: anyone else's click, a
click on a task already decided, and a callback Feishu delivers twice change nothing in
Feishu, and the card says why. Every click is kept, and goes into the release's
timeline."""

from __future__ import annotations

from typing import Any

import pytest

from releasegate.integrations.feishu.approvals import FeishuApprovals
from releasegate.integrations.feishu.tests.card_world import (
    APPROVE,
    OPEN_ID,
    REJECT,
    CardWorld,
)
from releasegate.releases.models import InboundEvent, Release

APPROVED = "approved through Feishu's API"
NOT_PENDING = "no longer pending: nothing done"
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]


def decided(card_world: CardWorld) -> list[str]:
    """The task decisions ReleaseGate asked Feishu for."""
    return [
        r["path"]
        for r in card_world.control.requests()
        if r["path"].startswith("/open-apis/approval/v4/tasks/")
    ]


def test_someone_elses_click_does_nothing_and_the_card_says_why(card_world: CardWorld) -> None:
    code = card_world.request()

    click = card_world.click("lisi", APPROVE, clicker="zhangsan")

    assert decided(card_world) == []
    assert click["toast"]["type"] == "error"
    assert "只有这项审批任务的审批人" in click["toast"]["content"]
    card = card_world.card_of("lisi")["content"]
    assert "本次点击未生效" in card["elements"][-2]["content"]
    assert [b["text"]["content"] for b in card["elements"][-1]["actions"]] == ["同意", "拒绝"]
    assert set(card_world.control.instance(code)["waiting_on"]) == {"lisi", "wangwu"}
    kept = InboundEvent.objects.get(via="card")
    assert (kept.payload["operator"], kept.outcome) == (
        OPEN_ID["zhangsan"],
        "not the task's approver: nothing done",
    )


def test_a_click_on_a_task_decided_already_does_nothing(card_world: CardWorld) -> None:
    code = card_world.request()
    card_world.control.approve(code, "lisi")  # in Feishu's approval app: the card stays

    again = card_world.click("lisi", REJECT)

    assert decided(card_world) == []
    assert again["toast"]["type"] == "info"
    assert "已不在等待你的决定" in again["toast"]["content"]
    card = card_world.card_of("lisi")["content"]
    assert card["header"]["template"] == "green"
    assert card["elements"][-1]["tag"] == "markdown"  # no buttons left


def test_a_click_delivered_twice_is_acted_on_once(card_world: CardWorld) -> None:
    card_world.request()
    first = card_world.click("lisi", APPROVE)

    again = card_world.control.redeliver_click(first["id"])

    assert decided(card_world) == ["/open-apis/approval/v4/tasks/approve"]
    assert "已处理过" in again["toast"]["content"]
    assert InboundEvent.objects.filter(via="card").count() == 1


def test_every_click_is_in_the_release_timeline(card_world: CardWorld) -> None:
    code = card_world.request()
    card_world.click("wangwu", APPROVE, clicker="zhangsan")
    card_world.control.approve(code, "lisi")
    card_world.click("wangwu", APPROVE)
    card_world.process_inbox()
    release = Release.objects.get()

    card_world.click("lisi", REJECT)  # a card left from before lisi approved in the app

    clicks = release.events.filter(kind="card-click").order_by("at", "pk")
    assert [(e.actor, e.reason) for e in clicks] == [
        (
            f"feishu:{OPEN_ID['zhangsan']}",
            "approve clicked on a decision card: not the task's approver: nothing done",
        ),
        (f"feishu:{OPEN_ID['wangwu']}", f"approve clicked on a decision card: {APPROVED}"),
        (f"feishu:{OPEN_ID['lisi']}", f"reject clicked on a decision card: {NOT_PENDING}"),
    ]
    # The cards themselves, sent before the release existed, are its notifications too.
    cards = release.notifications.filter(kind="decision_card")
    assert sorted(n.recipients[0] for n in cards) == sorted(OPEN_ID[u] for u in ("lisi", "wangwu"))


def test_a_click_whose_release_appears_while_it_is_answered_is_in_the_timeline_once(
    card_world: CardWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = card_world.request()
    card_world.control.approve(code, "lisi")
    act = FeishuApprovals.act

    def act_then_release(approvals: FeishuApprovals, *args: Any) -> None:
        # What a worker does meanwhile: Feishu's events come at once and make the release.
        act(approvals, *args)
        card_world.process_inbox()
        assert Release.objects.exists()

    monkeypatch.setattr(FeishuApprovals, "act", act_then_release)

    card_world.click("wangwu", APPROVE)

    clicks = Release.objects.get().events.filter(kind="card-click")
    assert [(e.actor, e.reason) for e in clicks] == [
        (f"feishu:{OPEN_ID['wangwu']}", f"approve clicked on a decision card: {APPROVED}")
    ]
