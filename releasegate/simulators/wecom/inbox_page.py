"""A person's messages from the app at `/_sim/inbox?user=`, newest first, as their WeCom
shows them: a text card with its button, Markdown as sent, and a text notice card
(template_card) with its source, titles, lines and links, the whole card a link to where
tapping it goes (`card_action`). Server-rendered, no JS."""

from __future__ import annotations

from html import escape
from typing import Any

from releasegate.simulators.wecom import template_cards
from releasegate.simulators.wecom.form_page import STYLE
from releasegate.simulators.wecom.messages import Message
from releasegate.simulators.wecom.state import World
from releasegate.simulators.wecom.wire import Response

CARD_STYLE = (
    ".card{border:1px solid #ccc;border-radius:6px;padding:8px 12px;margin:8px 0;max-width:32em}"
    ".card .source,.card .desc{color:#888;font-size:90%}"
    ".card pre{white-space:pre-wrap;margin:4px 0}"
)


def render(world: World, userid: str) -> Response:
    with world.lock:
        person = world.settings.person(userid)
        mine = [m for m in world.messaging.messages if m.kind == "message" and userid in m.to]
        shown = "".join(message_html(m) for m in reversed(mine[-50:]))
    name = escape(person.name if person else userid)
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{name} · WeCom</title><style>{STYLE}{CARD_STYLE}</style></head><body>"
        f"<h1>{name}'s messages from the app</h1>{shown or '<p>No messages.</p>'}"
        "<p><a href='/_sim/'>back</a></p></body></html>"
    )
    return Response(200, body.encode(), "text/html;charset=utf-8")


def message_html(message: Message) -> str:
    """One message as its reader sees it; a kind this page does not draw, as JSON."""
    content: Any = message.content
    dropped = " data-dropped='yes'" if message.dropped_for else ""
    if message.msgtype == "template_card" and content.get("card_type") == "text_notice":
        inner = _text_notice(content)
    elif message.msgtype == "textcard":
        inner = (
            f"<b>{escape(str(content.get('title', '')))}</b>"
            f"<pre>{escape(str(content.get('description', '')))}</pre>"
            f"<a href='{escape(str(content.get('url', '')))}'>"
            f"{escape(str(content.get('btntxt') or '详情'))}</a>"
        )
    elif message.msgtype in ("markdown", "text"):
        inner = f"<pre>{escape(str(content.get('content', '')))}</pre>"
    else:
        inner = f"<code>{escape(str(content))[:400]}</code>"
    return (
        f"<div class='card' data-testid='message' data-id='{message.id}' "
        f"data-msgtype='{escape(message.msgtype)}'{dropped}>{inner}</div>"
    )


def _text_notice(card: dict[str, Any]) -> str:
    def part(name: str) -> dict[str, Any]:
        found = card.get(name)
        return found if isinstance(found, dict) else {}

    source, title, quote = part("source"), part("main_title"), part("quote_area")
    lines = "".join(
        f"<div>{escape(str(item.get('keyname', '')))}：{_maybe_link(item)}</div>"
        for item in card.get("horizontal_content_list") or []
    )
    jumps = "".join(
        f"<div>{_link(str(item.get('url', '')), str(item.get('title', '')))}</div>"
        for item in card.get("jump_list") or []
    )
    quoted = (
        f"<blockquote><b>{escape(str(quote.get('title', '')))}</b>"
        f"<pre>{escape(str(quote.get('quote_text', '')))}</pre></blockquote>"
        if quote
        else ""
    )
    opens = template_cards.opens(card)
    return (
        f"<div class='source'>{escape(str(source.get('desc', '')))}</div>"
        f"<a data-testid='card-action' href='{escape(opens)}'>"
        f"<b>{escape(str(title.get('title', '')))}</b></a>"
        f"<div class='desc'>{escape(str(title.get('desc', '')))}</div>"
        f"<pre>{escape(str(card.get('sub_title_text', '')))}</pre>"
        f"{quoted}{lines}{jumps}"
    )


def _maybe_link(item: dict[str, Any]) -> str:
    value = str(item.get("value", ""))
    return _link(str(item.get("url", "")), value) if item.get("type") == 1 else escape(value)


def _link(url: str, text: str) -> str:
    return f"<a href='{escape(url)}'>{escape(text)}</a>"
