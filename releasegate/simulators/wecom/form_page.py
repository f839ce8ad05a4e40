"""The release form at `/_sim/form?user=…`, as the WeCom approval app shows it to a
person: a field per control, and for each externally sourced Selector its picker page
in an iframe, `<picker_url>/<picker>?selectorType=single&key=<key>` (reference section
B2). This page plays the WeCom client for the pickers (form_bridge.js); without a picker
URL such a Selector is a plain input taking an option key. Submitting posts to
`/_sim/forms/submit`."""

from __future__ import annotations

import secrets
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from releasegate.simulators.wecom.settings import Control
from releasegate.simulators.wecom.state import World
from releasegate.simulators.wecom.wire import Response

STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}form{display:inline}"
    "iframe{width:28em;height:12em;border:1px solid #ccc;display:block}"
)
BRIDGE = Path(__file__).with_name("form_bridge.js")


def picker_src(picker_url: str, control: Control, key: str) -> str:
    query = urlencode({"selectorType": control.selector_type, "key": key})
    return f"{picker_url.rstrip('/')}/{control.picker}?{query}"


def render_form(world: World, userid: str) -> Response:
    with world.lock:
        settings, picker_url = world.settings, world.picker_url
    people = "".join(
        f"<option value='{escape(p.userid)}'{' selected' if p.userid == userid else ''}>"
        f"{escape(p.name)}</option>"
        for p in settings.people
    )
    fields = "".join(
        f"<p><label>{escape(c.title)}{' *' if c.require else ''} "
        f"{_field(c, picker_url)}</label></p>"
        for c in settings.template
    )
    body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>发起审批</title>"
        f"<style>{STYLE}</style></head><body><h1>{escape(settings.template_name)}</h1>"
        "<form id='release-form' method='post' action='/_sim/forms/submit'>"
        f"<p><label>申请人 <select name='user'>{people}</select></label></p>{fields}"
        "<button id='submit'>提交</button></form>"
        f"<script>{BRIDGE.read_text()}</script></body></html>"
    )
    return Response(200, body.encode(), "text/html;charset=utf-8")


def _field(control: Control, picker_url: str | None) -> str:
    name = escape(control.title)
    if control.picker and picker_url:
        # WeCom's key is opaque to the picker, which only passes it back.
        key = secrets.token_hex(8)
        src = escape(picker_src(picker_url, control, key))
        return (
            f"<span class='picked' id='shown-{key}'></span>"
            f"<input type='hidden' name='picked:{name}' id='picked-{key}'>"
            f"<iframe data-key='{key}' data-selector-type='{control.selector_type}' "
            f"data-control='{escape(control.id)}' src='{src}'></iframe>"
        )
    if control.picker:
        return f"<input name='form:{name}' placeholder='option key'>"
    if control.control == "Selector":
        options = "".join(
            f"<option value='{escape(o.key)}'>{escape(o.text)}</option>" for o in control.options
        )
        return f"<select name='form:{name}'><option value=''></option>{options}</select>"
    if control.control == "Date":
        return f"<input type='datetime-local' name='form:{name}'>"
    if control.control == "Textarea":
        return f"<textarea name='form:{name}'></textarea>"
    return f"<input name='form:{name}'>"
