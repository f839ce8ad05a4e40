"""Interactive cards a person clicks (reference section A4): a button of an app card sent
with `im/v1/messages` calls the app back with `card.action.trigger`, and the app's answer
may change the card.

The callback is the v2 envelope (`schema: "2.0"`, `header.event_id`, `header.token` = the
Verification Token, `header.event_type`), whose `event` lark-oapi reads as
`P2CardActionTrigger`: `operator` (open_id, user_id, union_id, tenant_key), `token` (the
card's update token), `action` (`value`: the button's `value` as sent, `tag`), `host`,
`context` (`open_message_id`, `open_chat_id`). It is sealed and signed as event pushes
are (pushes.py) and must be answered with HTTP 200 within 3 s (卡片回传交互回调; 200341 when
late). The answer's `toast` is shown to the clicker and `card` (`{"type": "raw", "data":
card}`) replaces the card in everyone's chat; an empty answer changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from releasegate.simulators.feishu.messages import Message
from releasegate.simulators.feishu.settings import Person, SimSettings

CALLBACK_TIMEOUT = 3.0
EVENT_TYPE = "card.action.trigger"


@dataclass
class Click:
    id: int
    message: int
    user: str
    value: Any
    envelope: dict[str, Any]
    # A second delivery of an earlier click (same event_id).
    again: bool = False
    status: int | None = None
    outcome: str = ""
    toast: dict[str, Any] = field(default_factory=dict)
    card_updated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def buttons(content: Any) -> list[dict[str, Any]]:
    """The card's buttons that call the app back (those with a `value`), in order: in an
    `action` element's `actions` (card JSON 1.0) or standing alone in `elements`."""
    if not isinstance(content, dict):
        return []
    found: list[dict[str, Any]] = []
    for element in content.get("elements") or []:
        if not isinstance(element, dict):
            continue
        inner = element.get("actions") if element.get("tag") == "action" else [element]
        for item in inner or []:
            if isinstance(item, dict) and item.get("tag") == "button" and "value" in item:
                found.append(item)
    return found


def button_text(button: dict[str, Any]) -> str:
    text = button.get("text")
    return str(text.get("content", "")) if isinstance(text, dict) else ""


def envelope(settings: SimSettings, message: Message, person: Person, value: Any) -> dict[str, Any]:
    """The callback of `person` clicking a button whose value is `value`."""
    union = hashlib.sha256(person.user_id.encode()).hexdigest()[:24]
    chat = hashlib.md5(message.to.encode(), usedforsecurity=False).hexdigest()
    return {
        "schema": "2.0",
        "header": {
            "event_id": uuid.uuid4().hex,
            "token": settings.verification_token,
            "create_time": str(message.at_ms * 1000),
            "event_type": EVENT_TYPE,
            "tenant_key": settings.tenant_key,
            "app_id": settings.app_id,
        },
        "event": {
            "operator": {
                "tenant_key": settings.tenant_key,
                "user_id": person.user_id,
                "open_id": person.open_id,
                "union_id": f"on_{union}",
            },
            "token": f"c-{secrets.token_hex(20)}",
            "action": {"value": value, "tag": "button"},
            "host": "im_message",
            "context": {"open_message_id": message.message_id, "open_chat_id": f"oc_{chat}"},
        },
    }


def apply_answer(click: Click, message: Message, status: int | None, answer: bytes) -> None:
    """What the app answered: the toast kept, the card replaced when a raw card came."""
    click.status = status
    if status != 200:
        return
    try:
        body = json.loads(answer) if answer.strip() else {}
    except ValueError:
        click.outcome = "the answer is not JSON"
        return
    if not isinstance(body, dict):
        click.outcome = "the answer is not a JSON object"
        return
    toast = body.get("toast")
    click.toast = toast if isinstance(toast, dict) else {}
    card = body.get("card")
    if isinstance(card, dict) and card.get("type") == "raw" and isinstance(card.get("data"), dict):
        message.content = card["data"]
        click.card_updated = True
