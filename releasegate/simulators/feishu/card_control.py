"""`/_sim/cards/...`: a person clicking a card's button, as Feishu calls the app back
(cards.py), for tests, the demo and the page at `/_sim/`.

Callbacks go the way events do: pushed to the event URL, or over the long connection.

- `POST /_sim/cards/click {"message": id, "user": user_id, "button": index}`: the click
  of `user` on the message's `button`-th callback button (0: the first); answers the
  click with the app's answer applied, once the approval events it caused were pushed.
- `POST /_sim/cards/redeliver {"click": id}`: the same callback again (same event_id),
  as Feishu does when an answer was lost.
- `GET /_sim/cards/clicks`: every click and what came of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from releasegate.simulators.feishu.cards import (
    CALLBACK_TIMEOUT,
    Click,
    apply_answer,
    buttons,
    envelope,
)
from releasegate.simulators.feishu.control_api import ControlError
from releasegate.simulators.feishu.messages import Message
from releasegate.simulators.feishu.state import World
from releasegate.simulators.feishu.wire import Request

Payload = dict[str, Any]
ControlRoute = Callable[[Payload, Request], Any]


def control_routes(world: World) -> dict[tuple[str, str], ControlRoute]:
    def click(payload: Payload, request: Request) -> Payload:
        with world.lock:
            message = _message(world, payload.get("message"))
            person = world.settings.person(str(payload.get("user") or ""))
            if person is None:
                raise ControlError(400, f"user: no such person {payload.get('user')!r}")
            button = _button(message, payload.get("button", 0))
            sealed = envelope(world.settings, message, person, button["value"])
            made = Click(len(world.clicks) + 1, message.id, person.user_id, button["value"], sealed)
            world.clicks.append(made)
        return _deliver(world, made, message)

    def redeliver(payload: Payload, request: Request) -> Payload:
        with world.lock:
            number = _number(payload.get("click"), "click")
            if not 1 <= number <= len(world.clicks):
                raise ControlError(404, f"no click {number}")
            first = world.clicks[number - 1]
            message = _message(world, first.message)
            again = Click(
                len(world.clicks) + 1, first.message, first.user, first.value, first.envelope
            )
            again.again = True
            world.clicks.append(again)
        return _deliver(world, again, message)

    def clicks(payload: Payload, request: Request) -> list[Payload]:
        with world.lock:
            return [made.as_dict() for made in world.clicks]

    return {
        ("POST", "/_sim/cards/click"): click,
        ("POST", "/_sim/cards/redeliver"): redeliver,
        ("GET", "/_sim/cards/clicks"): clicks,
    }


def _deliver(world: World, click: Click, message: Message) -> Payload:
    """Call the app back (never holding the world's lock: the app calls Feishu's API while
    it answers) and apply its answer."""
    url = world.pusher.url
    if world.event_delivery == "long_connection":
        status, outcome, answer = world.long_connection.card_callback(
            click.envelope, CALLBACK_TIMEOUT
        )
    elif world.event_delivery == "webhook" and url:
        status, outcome, answer = world.pusher.post(url, click.envelope, CALLBACK_TIMEOUT)
    else:
        status, outcome, answer = None, "not delivered: no callback subscription", b""
    with world.lock:
        click.outcome = outcome
        apply_answer(click, message, status, answer)
    world.pusher.settle()
    world.long_connection.settle()
    with world.lock:
        return click.as_dict()


def _message(world: World, value: Any) -> Message:
    """A message by its number in `/_sim/messages` or its `om_…` id."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)  # from the page's form
    for message in world.messaging.messages:
        if value in (message.id, message.message_id) and message.message_id:
            return message
    raise ControlError(404, f"message: no app message {value!r}")


def _button(message: Message, value: Any) -> dict[str, Any]:
    found = buttons(message.content)
    index = _number(value, "button")
    if not 0 <= index < len(found):
        raise ControlError(400, f"button: the card has {len(found)} callback buttons")
    return found[index]


def _number(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name}: a number is required") from None
