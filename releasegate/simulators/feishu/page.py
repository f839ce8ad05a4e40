"""The page at `/_sim/`: instances with approve/reject/cancel buttons, the release form
to submit as a person, and the latest event pushes and messages, an app card shown with
its text and buttons a person can click as anyone. Server-rendered; plain forms, no JS."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from releasegate.simulators.feishu.approvals.instances import Instance
from releasegate.simulators.feishu.cards import button_text, buttons
from releasegate.simulators.feishu.messages import Message
from releasegate.simulators.feishu.settings import Person
from releasegate.simulators.feishu.state import World
from releasegate.simulators.feishu.wire import Response

_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}form{display:inline}"
)


def render(world: World) -> Response:
    with world.lock:
        instances = sorted(
            world.approvals.instances.values(), key=lambda i: i.start_ms, reverse=True
        )
        rows = "".join(_instance_row(instance) for instance in instances)
        people = world.settings.people
        messages = "".join(
            f"<tr><td>{m.kind}</td><td>{escape(m.to)}</td><td>{escape(m.msg_type)}</td>"
            f"<td>{card_html(m, people) or f'<code>{escape(str(m.content))[:200]}</code>'}"
            "</td></tr>"
            for m in reversed(world.messaging.messages[-20:])
        )
        submit = _submit_form(world)
    pushes = "".join(
        f"<tr><td>{escape(d['event_type'])} {escape(str(d['status']))}</td><td>{d['state']}</td>"
        f"<td>{'; '.join(escape(a['outcome']) for a in d['attempts'])}</td></tr>"
        for d in reversed(world.pusher.deliveries()[-20:])
    )
    settings = world.settings
    long_connection = _long_connection(world)
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Feishu simulator</title>"
        f"<style>{_STYLE}</style></head><body><h1>Feishu simulator</h1>"
        f"<p>App {escape(settings.app_id)}, approval {escape(settings.approval_code)}, "
        f"events by {world.event_delivery}"
        f" to {escape(world.pusher.url or 'nowhere (no event URL)')}</p>"
        "<h2>Instances</h2><table><tr><th>instance</th><th>by</th><th>status</th>"
        f"<th>form</th><th>actions</th></tr>{rows}</table>"
        f"<h2>Submit the release form</h2>{submit}"
        f"<h2>Event pushes</h2><table>{pushes}</table>{long_connection}"
        f"<h2>Messages</h2><table>{messages}</table></body></html>"
    )
    return Response(200, body.encode(), "text/html;charset=utf-8")


def _instance_row(instance: Instance) -> str:
    form = "<br>".join(f"{escape(f.widget.name)}: {escape(f.text)}" for f in instance.form)
    actions = "".join(
        _button(instance, action, person.user_id, f"{action} as {person.name}")
        for person in instance.waiting_on()
        for action in ("approve", "reject")
    )
    if instance.status == "PENDING":
        originator = instance.originator
        actions += _button(instance, "cancel", originator.user_id, f"cancel as {originator.name}")
    code = escape(instance.instance_code)
    return (
        f"<tr id='{code}'><td><code>{code}</code></td><td>{escape(instance.originator.name)}"
        f"</td><td>{instance.status}</td><td>{form}</td><td>{actions}</td></tr>"
    )


def _button(instance: Instance, action: str, user: str, label: str) -> str:
    return (
        f"<form method='post' action='/_sim/instances/{escape(instance.instance_code)}/{action}'>"
        f"<input type='hidden' name='user' value='{escape(user)}'>"
        f"<button>{escape(label)}</button></form> "
    )


def _submit_form(world: World) -> str:
    people = "".join(
        f"<option value='{escape(p.user_id)}'>{escape(p.name)}</option>"
        for p in world.settings.people
    )
    fields = "".join(
        f"<label>{escape(w.name)}{' *' if w.required else ''} "
        f"<input name='form:{escape(w.custom_id)}'></label><br>"
        for w in world.settings.form
    )
    return (
        "<form method='post' action='/_sim/forms/submit'><label>as "
        f"<select name='user'>{people}</select></label><br>{fields}"
        "<button>submit</button></form>"
    )


def _long_connection(world: World) -> str:
    """The long connection's connections (drop or close buttons) and latest deliveries."""
    gateway = world.long_connection
    connections = "".join(
        f"<tr><td>{c['id']}</td><td>{c['state']} {escape(c['closed_because'])}</td>"
        f"<td>{c['pings']}</td><td>{c['frames_sent']}</td><td>"
        + (
            "".join(
                f"<form method='post' action='/_sim/long-connection/{action}'>"
                f"<input type='hidden' name='connection' value='{c['id']}'>"
                f"<button>{action}</button></form> "
                for action in ("close", "drop")
            )
            if c["state"] == "open"
            else ""
        )
        + "</td></tr>"
        for c in gateway.connections()
    )
    deliveries = "".join(
        f"<tr><td>{escape(d['event_type'])} {escape(str(d['status']))}</td><td>{d['state']}</td>"
        f"<td>{'; '.join(escape(a['outcome'] or 'awaiting ACK') for a in d['attempts'])}</td></tr>"
        for d in reversed(gateway.deliveries()[-20:])
    )
    return (
        f"<h2>Long connection</h2><p>Endpoint {escape(world.base_url)}callback/ws/endpoint, "
        f"gateway {escape(gateway.address)}</p><table><tr><th>connection</th><th>state</th>"
        f"<th>pings</th><th>frames</th><th></th></tr>{connections}</table>"
        f"<table>{deliveries}</table>"
    )


def card_html(message: Message, people: Sequence[Person]) -> str:
    """An app card with callback buttons as a person sees it (its title, its Markdown as
    text) and a form per button to click it as someone; "" for any other message."""
    content = message.content
    found = buttons(content) if message.kind == "message" else []
    if not found or not isinstance(content, dict):
        return ""
    header = content.get("header") or {}
    title = (header.get("title") or {}).get("content", "") if isinstance(header, dict) else ""
    texts = [
        str(e.get("content", "")) for e in content.get("elements") or [] if isinstance(e, dict)
    ]
    choose = "".join(
        f"<option value='{escape(p.user_id)}'>{escape(p.name)}</option>" for p in people
    )
    forms = "".join(
        f"<form method='post' action='/_sim/cards/click'>"
        f"<input type='hidden' name='message' value='{message.id}'>"
        f"<input type='hidden' name='button' value='{index}'>"
        f"<label>as <select name='user'>{choose}</select></label> "
        f"<button>{escape(button_text(b))}</button></form> "
        for index, b in enumerate(found)
    )
    body = "<br>".join(escape(text) for text in texts if text)
    return f"<b>{escape(str(title))}</b><pre style='white-space:pre-wrap'>{body}</pre>{forms}"
