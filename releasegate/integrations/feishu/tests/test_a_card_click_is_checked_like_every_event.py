"""A card click comes to `POST /feishu/events` like an event and is checked like one: a
forged or unsigned click is refused with nothing done, a click on something that is not
one of our decision cards' buttons is answered with a toast and decides nothing, and with
decision cards turned off a click on an old card decides nothing either."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from releasegate.config import FeishuSettings
from releasegate.integrations.feishu.tests.test_events_are_verified_then_stored import push
from releasegate.releases.models import InboundEvent

pytestmark = pytest.mark.django_db


def click(value: Any) -> dict[str, Any]:
    return {
        "schema": "2.0",
        "header": {
            "event_id": "f7984f25108f8137722bb63cee927e66",
            "token": "vtoken",
            "create_time": "1603977298000000",
            "event_type": "card.action.trigger",
            "tenant_key": "xxx",
            "app_id": "cli_releasegatetest01",
        },
        "event": {
            "operator": {"open_id": "ou_someone", "user_id": "someone"},
            "token": "c-295ee57216a5dc9de90fefd0aadb4b1d7d",
            "action": {"value": value, "tag": "button"},
            "host": "im_message",
        },
    }


OURS = {"action": "approve", "instance": "I-1", "task": "7214845521813110812"}


@pytest.fixture
def cards_on(configure_feishu: Callable[..., FeishuSettings]) -> FeishuSettings:
    return configure_feishu(decision_cards=True)


def test_a_forged_click_is_refused_and_nothing_is_done(
    client: Client, cards_on: FeishuSettings
) -> None:
    answer = push(client, click(OURS), sign_with="not-the-encrypt-key")

    assert answer.status_code == 401
    assert not InboundEvent.objects.exists()


def test_a_click_that_is_not_on_a_decision_card_gets_a_toast(
    client: Client, cards_on: FeishuSettings
) -> None:
    answer = push(client, click({"action": "delete everything"}))

    assert answer.status_code == 200
    assert answer.json() == {
        "toast": {"type": "error", "content": "这张卡片的按钮无法识别，未做任何操作"}
    }
    assert not InboundEvent.objects.exists()


def test_with_cards_turned_off_a_click_decides_nothing(
    client: Client, feishu: FeishuSettings
) -> None:
    assert not dataclasses.asdict(feishu)["decision_cards"]

    answer = push(client, click(OURS))

    assert answer.status_code == 200
    assert answer.json()["toast"]["content"] == "卡片审批未开启，请在飞书审批中处理"
    assert not InboundEvent.objects.exists()
