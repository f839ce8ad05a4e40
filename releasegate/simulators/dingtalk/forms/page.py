"""The page's approval-form sections: open a form as a user, step through it (each
select's options as ReleaseGate's connector gave them, one plain form post per step),
submit it, and the latest connector calls. Server-rendered; no JS."""

from __future__ import annotations

from html import escape
from typing import Any

from releasegate.simulators.dingtalk.forms import form
from releasegate.simulators.dingtalk.state import World

_SHOWN_CALLS = 20
_SHOWN_FORMS = 5


def sections(world: World) -> str:
    config = world.connector.settings()
    connector = (
        f"connector {escape(config['url'])} ({escape(config['auth'])}, node {config['node']})"
        if config["url"]
        else "no connector configured: selects stay empty and submissions are not checked"
    )
    users = "".join(
        f"<option value='{escape(u.user_id)}'>{escape(u.name)}</option>"
        for u in world.settings.users
    )
    shown = [form.described(world, s) for s in world.forms.all()][-_SHOWN_FORMS:]
    forms = "".join(_session(session) for session in reversed(shown))
    return (
        f"<h2>Fill in the approval form</h2><p>{connector}</p>"
        f"<form method='post' action='/_sim/forms'><label>as <select name='user'>{users}"
        f"</select></label> <button>open the form</button></form>{forms}"
        f"<h2>Connector calls</h2>{_calls(world)}"
    )


def _session(session: dict[str, Any]) -> str:
    form_id = escape(session["id"])
    head = f"<h3 id='{form_id}'>{form_id}: {escape(session['user_name'])}, {session['state']}"
    if session["instance_id"]:
        head += f" as <a href='#{escape(session['instance_id'])}'>{session['instance_id']}</a>"
    head += "</h3>"
    notices = "".join(f"<li>{escape(notice)}</li>" for notice in session["notices"])
    refusal = (
        f"<p><strong>提交被拒绝：{escape(session['refusal'])}</strong></p>"
        if session["refusal"]
        else ""
    )
    if session["state"] != "open":
        values = "<br>".join(
            f"{escape(label)}: {escape(value)}" for label, value in session["values"].items()
        )
        return f"{head}<p>{values}</p>"
    rows = "".join(_field_row(form_id, field) for field in session["fields"])
    submit = (
        f"<form method='post' action='/_sim/forms/{form_id}/submit'><button>submit</button></form>"
    )
    return f"{head}{refusal}<ul>{notices}</ul><table>{rows}</table>{submit}"


def _field_row(form_id: str, field: dict[str, Any]) -> str:
    label = escape(field["label"])
    required = " *" if field["required"] else ""
    if field["source"] == "text":
        step = (
            f"<form method='post' action='/_sim/forms/{form_id}/fill'>"
            f"<input name='form:{label}' value='{escape(field['value'])}'>"
            f"<button>fill</button></form>"
        )
    else:
        options = "".join(
            f"<option value='{escape(option['id'])}'"
            f"{' selected' if option['id'] == field['option_id'] else ''}>"
            f"{escape(option['value'])}</option>"
            for option in field["options"]
        )
        step = (
            f"<form method='post' action='/_sim/forms/{form_id}/choose'>"
            f"<input type='hidden' name='field' value='{label}'>"
            f"<select name='option'><option value=''></option>{options}</select>"
            f"<button>choose</button></form>"
        )
    return f"<tr><td>{label}{required}</td><td>{escape(field['value'])}</td><td>{step}</td></tr>"


def _calls(world: World) -> str:
    rows = "".join(
        f"<tr><td>{call['id']}</td><td>{escape(call['action'])}</td>"
        f"<td>{escape(call['trigger'])}</td><td>{escape(call['subject'])}</td>"
        f"<td>{call['response']['status'] or ''}</td><td>{escape(call['outcome'])}</td>"
        f"<td>{call['duration_ms']} ms</td></tr>"
        for call in reversed(world.connector.calls()[-_SHOWN_CALLS:])
    )
    return (
        "<table><tr><th>#</th><th>action</th><th>trigger</th><th>form or instance</th>"
        f"<th>HTTP</th><th>outcome</th><th>took</th></tr>{rows}</table>"
    )
