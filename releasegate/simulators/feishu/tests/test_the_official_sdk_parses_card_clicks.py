"""A person clicks a button of an app card on the simulator: the callback reaches the
app as Feishu's `card.action.trigger` (v2, encrypted and signed like every push), which
the official SDK's `register_p2_card_action_trigger` parses unchanged, and the SDK's
answer (a toast and a new card) is applied to the card."""

from __future__ import annotations

import json

import httpx

from releasegate.simulators.feishu.settings import SimSettings
from releasegate.simulators.feishu.tests.conftest import Pushing
from releasegate.simulators.feishu.tests.receiver import EventReceiver

DEMO = SimSettings.demo()
LISI = next(person for person in DEMO.people if person.user_id == "lisi")
VALUE = {"action": "approve", "instance": "I-1", "task": "T-1"}
CARD = {
    "header": {"title": {"tag": "plain_text", "content": "待你审批"}},
    "elements": [
        {"tag": "markdown", "content": "- 应用：order-service"},
        {
            "tag": "action",
            "actions": [
                {"tag": "button", "text": {"tag": "plain_text", "content": "同意"}, "value": VALUE}
            ],
        },
    ],
}


def send_card(pushing: Pushing) -> str:
    """An app card to lisi, sent through the API as the app does."""
    simulator, _ = pushing
    with httpx.Client(base_url=simulator.url + "open-apis/", timeout=5) as api:
        token = api.post(
            "auth/v3/tenant_access_token/internal",
            json={"app_id": DEMO.app_id, "app_secret": DEMO.app_secret},
        ).json()["tenant_access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        return _send(api)


def _send(tenant: httpx.Client) -> str:
    body = {"receive_id": LISI.open_id, "msg_type": "interactive", "content": json.dumps(CARD)}
    answer = tenant.post("im/v1/messages", params={"receive_id_type": "open_id"}, json=body)
    message_id: str = answer.json()["data"]["message_id"]
    return message_id


def test_it_delivers_a_click_the_sdk_parses_and_applies_its_answer(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, control = pushing
    message_id = send_card(pushing)

    click = control.click_card(message_id, "lisi")

    assert (click["status"], click["outcome"]) == (200, "success")
    parsed = receiver.clicks[0]
    assert parsed.header.event_type == "card.action.trigger"
    assert parsed.event.operator.open_id == LISI.open_id
    assert parsed.event.action.value == VALUE
    assert parsed.event.context.open_message_id == message_id
    assert click["toast"] == {"type": "success", "content": "收到"}
    assert click["card_updated"]
    shown = next(m for m in control.messages() if m["message_id"] == message_id)
    assert shown["content"]["header"]["title"]["content"] == "已处理"


def test_a_redelivered_click_carries_the_same_event_id(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, control = pushing
    first = control.click_card(send_card(pushing), "lisi")

    again = control.redeliver_click(first["id"])

    assert again["again"]
    ids = [parsed.header.event_id for parsed in receiver.clicks]
    assert len(ids) == 2 and ids[0] == ids[1]
