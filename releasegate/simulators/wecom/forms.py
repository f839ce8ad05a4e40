"""A person filling in the release template in the WeCom approval app, for the control
API and the form page: values are keyed by a control's title; a Selector takes an
option's key or text, an externally sourced one whatever its picker saved (`{key,
value}`) or a bare key; a Date takes Unix seconds or an ISO time (China time when it
has no offset). Submitting creates an application as applyevent would, with the same
checks, the template's approval flow and a summary of the first lines."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from releasegate.simulators.wecom.approvals.applications import CHINA, COUNTERSIGN, Branch, Node
from releasegate.simulators.wecom.approvals.template import parse_contents
from releasegate.simulators.wecom.settings import Control, Person
from releasegate.simulators.wecom.state import World
from releasegate.simulators.wecom.wire import ApiFailure

SUMMARY_LINES = 3
SUMMARY_WIDTH = 20


class FormRefused(Exception):
    """What the person is told instead of the form going through."""


def submit(world: World, person: Person, values: dict[str, Any]) -> str:
    """Create an application from the filled form; its sp_no. Raises FormRefused."""
    settings = world.settings
    unknown = [title for title in values if settings.control_titled(title) is None]
    if unknown:
        raise FormRefused(f"the template has no control titled {', '.join(unknown)}")
    contents = []
    with world.lock:
        for control in settings.template:
            given = values.get(control.title)
            if given not in (None, ""):
                contents.append(_content(world, control, given))
        try:
            filled = parse_contents(settings, {"contents": contents}, world.option_texts)
        except ApiFailure as failure:
            raise FormRefused(json.loads(failure.response.body)["errmsg"]) from None
        approvers = [p for p in settings.people if p.userid in settings.approvers]
        node = Node(COUNTERSIGN, [Branch(p) for p in approvers])
        summary = [
            f"{entry.control.title}：{_shown(entry.text, entry.picks)}"[:SUMMARY_WIDTH]
            for entry in filled[:SUMMARY_LINES]
        ]
        return world.submit(person, filled, [node], summary=summary).sp_no


def _content(world: World, control: Control, given: Any) -> dict[str, Any]:
    value: dict[str, Any]
    if control.control == "Selector":
        value = {
            "selector": {
                "type": control.selector_type,
                "options": [{"key": _key(world, control, given)}],
            }
        }
    elif control.control == "Date":
        value = {"date": {"type": control.date_type, "s_timestamp": _timestamp(control, given)}}
    else:
        value = {"text": str(given)}
    return {"control": control.control, "id": control.id, "value": value}


def _key(world: World, control: Control, given: Any) -> str:
    if control.picker:
        if isinstance(given, list) and len(given) == 1:
            given = given[0]
        if isinstance(given, dict):
            key, text = str(given.get("key") or ""), str(given.get("value") or "")
            if key and text:
                world.option_texts[key] = text
            return key
        return str(given)
    for option in control.options:
        if str(given) in (option.key, option.text):
            return option.key
    offered = ", ".join(f"{o.text} ({o.key})" for o in control.options)
    raise FormRefused(f"{control.title}: {given!r} is not one of the options: {offered}")


def _timestamp(control: Control, given: Any) -> str:
    text = str(given)
    if text.isdigit():
        return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise FormRefused(f"{control.title}: {text!r} is neither Unix seconds nor a time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    return str(int(moment.timestamp()))


def _shown(text: str, picks: tuple[Any, ...]) -> str:
    return text or "、".join(p.text for p in picks)
