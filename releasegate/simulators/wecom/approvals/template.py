"""The release template as `oa/gettemplatedetail` shows it, and the rules `oa/applyevent`
applies to `apply_data.contents` (提交审批申请, 附录): Text/Textarea `{text}` (Text: no
newline), Date `{date: {type, s_timestamp}}` with the control's type, Selector
`{selector: {type, options: [{key}]}}` with the control's type and its option keys;
required controls must have a value. Any failure is 301025 naming the control.

A Selector whose source is 关联外部选项 (reference section B2) has no options in the
template and accepts any key: its options live in ReleaseGate's picker page, which WeCom
never asks (whether WeCom checks such keys on applyevent is UNCONFIRMED, reference §F).
How gettemplatedetail marks such a control is not documented either: every sample shows
`exp_type: 0`; the simulator says `exp_type: 1` and lists no options (UNCONFIRMED).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from releasegate.simulators.wecom.settings import Control, Option, SimSettings
from releasegate.simulators.wecom.wire import invalid

# The empty lists WeCom puts in every control's value (获取审批申请详情, 附1).
_EMPTY_VALUE: dict[str, Any] = {
    "tips": [],
    "members": [],
    "departments": [],
    "files": [],
    "children": [],
    "stat_field": [],
}


@dataclass(frozen=True)
class Filled:
    """A control's value in an application: `text` for Text/Textarea, `picks` for a
    Selector, `s_timestamp` for a Date."""

    control: Control
    text: str = ""
    picks: tuple[Option, ...] = ()
    s_timestamp: str = ""


def lang(text: str) -> list[dict[str, str]]:
    return [{"text": text, "lang": "zh_CN"}]


def template_detail(settings: SimSettings) -> dict[str, Any]:
    controls = [_design(control) for control in settings.template]
    return {
        "template_names": lang(settings.template_name),
        "template_content": {"controls": controls},
    }


def _design(control: Control) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if control.control == "Selector":
        options = [{"key": o.key, "value": lang(o.text)} for o in control.options]
        config["selector"] = {
            "type": control.selector_type,
            "exp_type": 1 if control.picker else 0,
            "options": options,
        }
    if control.control == "Date":
        config["date"] = {"type": control.date_type}
    prop = {
        "control": control.control,
        "id": control.id,
        "title": lang(control.title),
        "placeholder": [],
        "require": int(control.require),
        "un_print": 0,
    }
    return {"property": prop, "config": config}


def parse_contents(
    settings: SimSettings, apply_data: Any, texts: dict[str, str] | None = None
) -> list[Filled]:
    """The filled controls of `apply_data`, in template order; raises ApiFailure (301025)
    naming the control at fault. `texts` gives known texts of externally sourced keys."""
    contents = apply_data.get("contents") if isinstance(apply_data, dict) else None
    if not isinstance(contents, list):
        raise invalid("apply_data.contents must be an array")
    filled: dict[str, Filled] = {}
    for item in contents:
        control_id = str(item.get("id", "")) if isinstance(item, dict) else ""
        control = settings.control(control_id)
        if control is None:
            raise invalid(f"apply_data.contents: control {control_id!r} is not in the template")
        entry = _filled(control, item, texts or {})
        if entry is not None:
            filled[control.id] = entry
    for control in settings.template:
        if control.require and control.id not in filled:
            raise invalid(f"控件 {control.title}({control.id}) is required but has no value")
    return [filled[c.id] for c in settings.template if c.id in filled]


def _filled(control: Control, item: dict[str, Any], texts: dict[str, str]) -> Filled | None:
    where = f"控件 {control.title}({control.id})"
    if item.get("control") != control.control:
        raise invalid(f"{where}: control must be {control.control}")
    value = item.get("value")
    if not isinstance(value, dict):
        raise invalid(f"{where}: value must be an object")
    if control.control in ("Text", "Textarea"):
        text = value.get("text")
        if not isinstance(text, str):
            raise invalid(f"{where}: value.text must be a string")
        if control.control == "Text" and ("\n" in text or "\r" in text):
            raise invalid(f"{where}: a Text control's value must not contain a newline")
        return Filled(control, text=text) if text else None
    if control.control == "Date":
        return _date(control, value.get("date"), where)
    return _selector(control, value.get("selector"), where, texts)


def _date(control: Control, date: Any, where: str) -> Filled | None:
    if not isinstance(date, dict) or date.get("type") != control.date_type:
        raise invalid(f"{where}: value.date.type must be {control.date_type!r}")
    stamp = date.get("s_timestamp")
    if stamp in (None, ""):
        return None
    if not isinstance(stamp, str) or not stamp.isdigit():
        raise invalid(f"{where}: value.date.s_timestamp must be a string of digits")
    return Filled(control, s_timestamp=stamp)


def _selector(control: Control, selector: Any, where: str, texts: dict[str, str]) -> Filled | None:
    if not isinstance(selector, dict) or selector.get("type") != control.selector_type:
        raise invalid(f"{where}: value.selector.type must be {control.selector_type!r}")
    chosen = selector.get("options")
    if not isinstance(chosen, list):
        raise invalid(f"{where}: value.selector.options must be an array")
    if not chosen:
        return None
    if control.selector_type == "single" and len(chosen) != 1:
        raise invalid(f"{where}: a single Selector takes one option")
    picks = []
    for option in chosen:
        key = str(option.get("key", "")) if isinstance(option, dict) else ""
        pick = _pick(control, key, texts)
        if pick is None:
            raise invalid(f"{where}: option key {key!r} is not one of its options")
        picks.append(pick)
    return Filled(control, picks=tuple(picks))


def _pick(control: Control, key: str, texts: dict[str, str]) -> Option | None:
    if control.picker:
        # An external key's text is what the picker saved with it, if the simulator saw
        # that; else the key itself (UNCONFIRMED what WeCom shows for a key set by API).
        return Option(key, texts.get(key, key)) if key else None
    return next((o for o in control.options if o.key == key), None)


def exported_contents(filled: list[Filled], settings: SimSettings) -> list[dict[str, Any]]:
    """`apply_data.contents` as getapprovaldetail shows it: every control of the template
    with its title; an empty one has an empty value (a Date: s_timestamp "0", UNCONFIRMED)."""
    by_id = {entry.control.id: entry for entry in filled}
    return [_exported(c, by_id.get(c.id)) for c in settings.template]


def _exported(control: Control, entry: Filled | None) -> dict[str, Any]:
    value: dict[str, Any] = dict(_EMPTY_VALUE)
    if control.control in ("Text", "Textarea"):
        value["text"] = entry.text if entry else ""
    elif control.control == "Date":
        stamp = entry.s_timestamp if entry else "0"
        value["date"] = {"type": control.date_type, "s_timestamp": stamp}
    elif control.control == "Selector":
        picks = entry.picks if entry else ()
        value["selector"] = {
            "type": control.selector_type,
            "options": [{"key": p.key, "value": lang(p.text)} for p in picks],
            "exp_type": 1 if control.picker else 0,
        }
    return {
        "control": control.control,
        "id": control.id,
        "title": lang(control.title),
        "value": value,
    }
