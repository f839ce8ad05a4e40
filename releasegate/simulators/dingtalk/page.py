"""The page at `/_sim/`: instances with agree/refuse/revoke buttons, the approval form as
a tester fills it in (forms/page.py), a form to submit a new one directly, and the latest
event pushes and messages. Server-rendered; plain forms, no JS."""

from __future__ import annotations

from html import escape

from releasegate.simulators.dingtalk import card_page
from releasegate.simulators.dingtalk.approvals.instances import Instance
from releasegate.simulators.dingtalk.forms import page as form_page
from releasegate.simulators.dingtalk.state import World
from releasegate.simulators.dingtalk.wire import Response

_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}form{display:inline}"
)


def render(world: World) -> Response:
    with world.lock:
        instances = sorted(
            world.approvals.instances.values(), key=lambda i: i.create_time, reverse=True
        )
        rows = "".join(_instance_row(world, instance) for instance in instances)
        messages = world.messaging.messages[-20:]
        message_rows = "".join(
            f"<tr><td>{m.kind}</td><td>{escape(m.to)}</td><td>{'yes' if m.delivered else 'no'}"
            f" {escape(m.reason)}</td><td><code>{escape(str(m.msg))[:200]}</code></td></tr>"
            for m in reversed(messages)
        )
        submit = _submit_form(world)
        cards = card_page.section(world)
    pushes = "".join(
        f"<tr><td>{d['event_type']} {escape(str(d['type']))}</td><td>{d['state']}</td>"
        f"<td>{'; '.join(escape(a['outcome']) for a in d['attempts'])}</td></tr>"
        for d in reversed(world.pusher.deliveries()[-20:])
    )
    body = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>DingTalk simulator</title>"
        f"<style>{_STYLE}</style></head><body><h1>DingTalk simulator</h1>"
        f"<p>App {escape(world.settings.app_key)}, process {escape(world.settings.process_code)}"
        f", events to {escape(world.pusher.url or 'nowhere (no event URL)')}</p>"
        f"<h2>Instances</h2><table><tr><th>instance</th><th>title</th><th>status</th>"
        f"<th>form</th><th>actions</th></tr>{rows}</table>"
        f"{cards}{form_page.sections(world)}"
        f"<h2>Submit an approval</h2>{submit}"
        f"<h2>Event pushes</h2><table>{pushes}</table>"
        f"<h2>Messages</h2><table>{message_rows}</table></body></html>"
    )
    return Response(200, body.encode(), "text/html;charset=utf-8")


def _instance_row(world: World, instance: Instance) -> str:
    form = "<br>".join(f"{escape(label)}: {escape(value)}" for label, value, *_ in instance.form)
    status = f"{instance.status} {instance.result}".strip()
    actions = "".join(
        _button(instance, action, user, f"{action} as {_name(world, user)}")
        for user in instance.waiting_on()
        for action in ("agree", "refuse")
    )
    if instance.status == "RUNNING":
        originator = instance.originator
        actions += _button(
            instance, "terminate", originator.user_id, f"revoke as {originator.name}"
        )
    elif (instance.status, instance.result) == ("COMPLETED", "agree") and not (
        instance.main_instance_id or instance.attached_instance_ids
    ):
        originator = instance.originator
        actions += _button(
            instance, "revoke", originator.user_id, f"revoke the approval as {originator.name}"
        )
    return (
        f"<tr id='{escape(instance.instance_id)}'><td><code>{escape(instance.instance_id)}</code>"
        f"</td><td>{escape(instance.title)}</td><td>{status}</td><td>{form}</td>"
        f"<td>{actions}</td></tr>"
    )


def _button(instance: Instance, action: str, user: str, label: str) -> str:
    return (
        f"<form method='post' action='/_sim/instances/{escape(instance.instance_id)}/{action}'>"
        f"<input type='hidden' name='user' value='{escape(user)}'>"
        f"<button>{escape(label)}</button></form> "
    )


def _name(world: World, user_id: str) -> str:
    user = world.settings.user(user_id)
    return user.name if user else user_id


def _submit_form(world: World) -> str:
    users = "".join(
        f"<option value='{escape(u.user_id)}'>{escape(u.name)}</option>"
        for u in world.settings.users
    )
    fields = "".join(
        f"<label>{escape(f.label)}{' *' if f.required else ''} "
        f"<input name='form:{escape(f.label)}'></label><br>"
        for f in world.settings.form
    )
    return (
        f"<form method='post' action='/_sim/instances'><label>originator "
        f"<select name='originator'>{users}</select></label><br>{fields}"
        f"<button>submit</button></form>"
    )
