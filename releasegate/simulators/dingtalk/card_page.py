"""The cards section of the page at `/_sim/`: each card as its recipient sees it (the
template's variables, public data under the recipient's private data), and its buttons
to click as any member, the recipient first: a click by someone else is what a
forwarded or shared card would send."""

from __future__ import annotations

from html import escape

from releasegate.simulators.dingtalk.cards import Card
from releasegate.simulators.dingtalk.state import World

# What ReleaseGate's template shows, in its order (docs/dingtalk-setup.md, cards).
_SHOWN = ("title", "markdown", "status_text")


def section(world: World) -> str:
    """Callers hold the world's lock."""
    cards = list(reversed(world.cards.cards.values()))[:20]
    rows = "".join(_card_row(world, card) for card in cards)
    return (
        "<h2>Cards</h2><table><tr><th>to</th><th>card</th><th>buttons</th>"
        f"<th>history</th></tr>{rows}</table>"
    )


def _card_row(world: World, card: Card) -> str:
    seen = card.seen_by(card.user_id)
    shown = "".join(
        f"<div><b>{escape(name)}</b>: <pre style='white-space:pre-wrap;margin:0'>"
        f"{escape(seen.get(name, ''))}</pre></div>"
        for name in _SHOWN
        if seen.get(name)
    )
    history = "<br>".join(escape(entry) for entry in card.history[-6:])
    return (
        f"<tr id='card-{escape(card.out_track_id)}'><td>{escape(card.user_id)}</td>"
        f"<td>{shown}</td><td>{_buttons(world, card, seen)}</td><td>{history}</td></tr>"
    )


def _buttons(world: World, card: Card, seen: dict[str, str]) -> str:
    """The recipient sees the buttons while the private `can_act` says so; the form
    still lets a tester click as someone else, to see what that person would get."""
    others = [user for user in world.settings.users if user.user_id != card.user_id]
    recipient = world.settings.user(card.user_id)
    people = [user for user in (recipient, *others) if user is not None]
    options = "".join(
        f"<option value='{escape(user.user_id)}'>{escape(user.name)}</option>" for user in people
    )
    hidden = "" if seen.get("can_act") == "true" else " (hidden from the recipient)"
    return (
        "<form method='post' action='/_sim/cards/click'>"
        f"<input type='hidden' name='out_track_id' value='{escape(card.out_track_id)}'>"
        f"<select name='user'>{options}</select> "
        "<button name='action' value='agree'>同意</button> "
        f"<button name='action' value='refuse'>拒绝</button>{escape(hidden)}</form>"
    )
