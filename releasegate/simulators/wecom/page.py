"""The page at `/_sim/`: applications with approve/refuse/revoke/remind/delete buttons,
the latest callbacks and messages, and links to the form page (form_page.py) and to each
person's messages (inbox_page.py).
Server-rendered; plain forms, no JS."""

from __future__ import annotations

from html import escape

from releasegate.simulators.wecom.approvals.applications import APPROVED, PENDING, Application
from releasegate.simulators.wecom.form_page import STYLE
from releasegate.simulators.wecom.form_page import render_form as render_form
from releasegate.simulators.wecom.inbox_page import CARD_STYLE, message_html
from releasegate.simulators.wecom.state import World
from releasegate.simulators.wecom.wire import Response

STATUS = {1: "审批中", 2: "已通过", 3: "已驳回", 4: "已撤销", 6: "通过后撤销", 7: "已删除"}


def render(world: World) -> Response:
    with world.lock:
        applications = sorted(
            world.approvals.applications.values(), key=lambda a: a.sp_no, reverse=True
        )
        rows = "".join(_row(application) for application in applications)
        messages = "".join(
            f"<tr><td>{m.kind}</td><td>{escape('|'.join(m.to))}</td><td>{escape(m.msgtype)}</td>"
            f"<td>{message_html(m) if m.kind == 'message' else _raw(m.content)}</td>"
            f"<td>{escape(', '.join(m.dropped_for))}</td></tr>"
            for m in reversed(world.messaging.messages[-20:])
        )
        people = "".join(
            f"<a href='/_sim/form?user={escape(p.userid)}'>{escape(p.name)}</a> "
            for p in world.settings.people
        )
        inboxes = "".join(
            f"<a href='/_sim/inbox?user={escape(p.userid)}'>{escape(p.name)}</a> "
            for p in world.settings.people
        )
    callbacks = "".join(
        f"<tr><td>{escape(d['sp_no'])}</td><td>{d['statu_change_event']}</td><td>{d['state']}</td>"
        f"<td>{'; '.join(escape(a['outcome']) for a in d['attempts'])}</td></tr>"
        for d in reversed(world.callbacks.deliveries()[-20:])
    )
    settings = world.settings
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>WeCom simulator</title>"
        f"<style>{STYLE}{CARD_STYLE}</style></head><body><h1>WeCom simulator</h1>"
        f"<p>Corp {escape(settings.corp_id)}, app {settings.agent_id}, template "
        f"{escape(settings.template_id)}, callbacks to "
        f"{escape(world.callbacks.url or 'nowhere (no callback URL)')}</p>"
        f"<p>Fill in the release form as: {people}</p>"
        f"<p>Messages from the app to: {inboxes}</p>"
        "<h2>Applications</h2><table><tr><th>sp_no</th><th>by</th><th>status</th>"
        f"<th>form</th><th>actions</th></tr>{rows}</table>"
        "<h2>Callbacks</h2><table><tr><th>sp_no</th><th>StatuChangeEvent</th><th>state</th>"
        f"<th>attempts</th></tr>{callbacks}</table>"
        "<h2>Messages</h2><table><tr><th>kind</th><th>to</th><th>type</th><th>content</th>"
        f"<th>dropped for</th></tr>{messages}</table></body></html>"
    )
    return Response(200, body.encode(), "text/html;charset=utf-8")


def _raw(content: object) -> str:
    return f"<code>{escape(str(content))[:200]}</code>"


def _row(application: Application) -> str:
    form = "<br>".join(
        f"{escape(f.control.title)}: "
        f"{escape(f.text or f.s_timestamp or '、'.join(p.text for p in f.picks))}"
        for f in application.contents
    )
    actions = "".join(
        _button(application, action, person.userid, f"{label} as {person.name}", speech=True)
        for person in application.waiting_on()
        for action, label in (("approve", "同意"), ("refuse", "驳回"))
    )
    applyer = application.applyer
    if application.sp_status == PENDING:
        actions += _button(application, "remind", applyer.userid, f"催办 as {applyer.name}")
    if application.sp_status in (PENDING, APPROVED):
        actions += _button(application, "revoke", applyer.userid, f"撤销 as {applyer.name}")
    actions += _button(application, "delete", "admin", "删除 as admin")
    sp_no = escape(application.sp_no)
    status = STATUS.get(application.sp_status, str(application.sp_status))
    return (
        f"<tr id='{sp_no}'><td><code>{sp_no}</code></td><td>{escape(applyer.name)}</td>"
        f"<td>{application.sp_status} {status}</td><td>{form}</td><td>{actions}</td></tr>"
    )


def _button(
    application: Application, action: str, user: str, label: str, *, speech: bool = False
) -> str:
    field = "<input name='speech' placeholder='意见' size='8'>" if speech else ""
    return (
        f"<form method='post' action='/_sim/applications/{escape(application.sp_no)}/{action}'>"
        f"<input type='hidden' name='user' value='{escape(user)}'>{field}"
        f"<button>{escape(label)}</button></form> "
    )
