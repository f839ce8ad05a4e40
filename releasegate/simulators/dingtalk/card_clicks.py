"""A person clicking a card's button, as DingTalk then calls the app back: over HTTP for
a card created with `callbackType` HTTP, as a CALLBACK frame on the app's Stream
connection for STREAM (reference sections 9.5 and 9.6).

The callback is `POST <registered callbackUrl>` with the plaintext JSON DingTalk sends
(`type`, `outTrackId`, `corpId`, `userId` of whoever clicked, `content` holding the
clicked button's `actionIds` and 回传参数 `params`), signed with the registration's
`apiSecret` when it has one. The app has 2 s ("请在 2 秒内完成业务处理并响应"); its answer
(`cardData`, `userPrivateData` for the clicker, `cardUpdateOptions`) changes the card.
Whether HTTP answers may be wrapped in `{"response": …}` as Stream ACKs are is
UNCONFIRMED: both are taken. The signature's timestamp is wall-clock milliseconds (its
unit is UNCONFIRMED), like the connector calls', so moving the simulator's clock does not
look like skew.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from releasegate.integrations.dingtalk.crypto import api_secret_signature
from releasegate.simulators.dingtalk.cards import Card, apply
from releasegate.simulators.dingtalk.state import World
from releasegate.simulators.dingtalk.stream.callbacks import response_of

CALLBACK_TIMEOUT = 2.0
CARD_TOPIC = "/v1.0/card/instances/callback"
BUTTONS = ("agree", "refuse")


class ClickRefused(Exception):
    """The click cannot be made: no such card, no such button, or no callback."""


def click(world: World, out_track_id: str, user_id: str, action: str) -> dict[str, Any]:
    """Click `action` on the card as `user_id`; the callback's outcome and the card after
    it. The HTTP call is made without the world's lock (ReleaseGate calls the API back
    while it answers)."""
    if action not in BUTTONS:
        raise ClickRefused(f"the card has no {action!r} button")
    with world.lock:
        card = world.cards.cards.get(out_track_id)
        if card is None:
            raise ClickRefused(f"no card {out_track_id}")
        registration = world.cards.callbacks.get(card.route_key)
        if card.callback_type == "HTTP" and registration is None:
            raise ClickRefused(f"card {out_track_id}: its route key is not registered")
        body = _callback_body(world, card, user_id, action)
    if registration is None or card.callback_type == "STREAM":
        outcome = _over_stream(world, body)
    else:
        outcome = _call(registration.url, registration.api_secret, body)
    with world.lock:
        answer = outcome.pop("answer", None)
        if isinstance(answer, dict):
            _apply_answer(card, user_id, answer)
        card.history.append(f"{user_id} clicked {action}: {outcome['outcome']}")
        return {**outcome, "card": card.as_json()}


def _callback_body(world: World, card: Card, user_id: str, action: str) -> dict[str, Any]:
    content = {"cardPrivateData": {"actionIds": [action], "params": {"decision": action}}}
    return {
        "type": "actionCallback",
        "outTrackId": card.out_track_id,
        "corpId": world.settings.corp_id,
        "userId": user_id,
        "userIdType": 1,
        "spaceType": "IM_ROBOT",
        "spaceId": card.user_id,
        "extension": "{}",
        "content": json.dumps(content, ensure_ascii=False),
    }


def _call(url: str, api_secret: str, body: dict[str, Any]) -> dict[str, Any]:
    headers = {}
    if api_secret:
        timestamp = str(int(time.time() * 1000))
        headers = {
            "x-ddpaas-signature-timestamp": timestamp,
            "x-ddpaas-signature": api_secret_signature(api_secret, timestamp),
        }
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=CALLBACK_TIMEOUT)
    except httpx.TimeoutException:
        return {"outcome": "timed out after 2 s"}
    except httpx.HTTPError as exc:
        return {"outcome": f"failed: {type(exc).__name__}"}
    if response.status_code != 200:
        return {"outcome": f"HTTP {response.status_code}", "status": response.status_code}
    try:
        answer = response.json()
    except ValueError:
        return {"outcome": "answer is not JSON", "status": 200}
    if isinstance(answer, dict) and isinstance(answer.get("response"), dict):
        answer = answer["response"]
    return {"outcome": "answered", "status": 200, "answer": answer}


def _over_stream(world: World, body: dict[str, Any]) -> dict[str, Any]:
    """The click as a CALLBACK frame on the card topic (section 9.5); the ACK's
    `response` is the card's new data."""
    answer = world.stream.call_back(CARD_TOPIC, body)
    if isinstance(answer, str):
        return {"outcome": answer}
    response = response_of(answer)
    if response is None:
        return {"outcome": f"answered code {answer.code} without a response"}
    return {"outcome": "answered", "status": 200, "answer": response}


def _apply_answer(card: Card, user_id: str, answer: dict[str, Any]) -> None:
    public = _map(answer.get("cardData"))
    private = _map(answer.get("userPrivateData"))
    options = answer.get("cardUpdateOptions")
    apply(
        card,
        public,
        {user_id: private} if private is not None else {},
        options if isinstance(options, dict) else {},
    )


def _map(data: Any) -> dict[str, str] | None:
    values = data.get("cardParamMap") if isinstance(data, dict) else None
    if not isinstance(values, dict):
        return None
    return {str(key): str(value) for key, value in values.items()}
