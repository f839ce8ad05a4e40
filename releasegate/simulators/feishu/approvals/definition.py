"""The release approval's definition as `GET approval/v4/approvals/:code` shows it
(reference section A2), and the form rules `POST approval/v4/instances` applies: `form` is
a JSON string of `[{id, type, value}]` where `id` is a widget's id or its custom id;
`input`/`textarea` take a string, `date` an RFC 3339 string, `radioV2` one option's key
(审批实例表单控件参数). A widget whose options come from ReleaseGate accepts any option id,
which the simulator cannot check without asking (the doc: "value 需要传入外部选项的
options.id")."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from releasegate.simulators.feishu.settings import SimSettings, Widget
from releasegate.simulators.feishu.wire import invalid

APPROVAL_NODE_NAME = "审批"


@dataclass(frozen=True)
class FilledWidget:
    widget: Widget
    value: str
    # What people see for a radio's choice (the option's text); the value otherwise.
    text: str


def node_id(settings: SimSettings) -> str:
    """The approval node's id: 32 hex digits like Feishu's, stable per definition."""
    return hashlib.md5(settings.approval_code.encode(), usedforsecurity=False).hexdigest()


def definition(settings: SimSettings, options_url: str | None) -> dict[str, Any]:
    """`data` of the get-definition answer."""
    node = {
        "name": APPROVAL_NODE_NAME,
        "need_approver": False,
        "node_id": node_id(settings),
        "custom_node_id": "release_approvers",
        "node_type": "AND",
        "approver_chosen_multi": True,
        "approver_chosen_range": [],
        "require_signature": False,
    }
    widgets = [_design(widget, settings, options_url) for widget in settings.form]
    return {
        "approval_name": settings.approval_name,
        "status": "ACTIVE",
        "form": json.dumps(widgets, ensure_ascii=False),
        "node_list": [node],
        "viewers": [{"type": "TENANT", "id": "", "user_id": ""}],
        "approval_admin_ids": [],
        "form_widget_relation": "",
    }


def _design(widget: Widget, settings: SimSettings, options_url: str | None) -> dict[str, Any]:
    design: dict[str, Any] = {
        "id": widget.id,
        "custom_id": widget.custom_id,
        "name": widget.name,
        "type": widget.type,
        "required": widget.required,
        "display_condition": None,
    }
    if widget.type == "radioV2":
        design["option"] = [{"value": o.key, "text": o.text} for o in widget.options]
    if widget.source and options_url:
        design["externalData"] = {
            "externalUrl": f"{options_url.rstrip('/')}/{widget.source}",
            "token": settings.options_token,
            "key": settings.options_key,
            "linkageConfigs": _linkage(settings, widget),
            "externalDataLinkage": bool(_linkage(settings, widget)),
        }
    return design


def _linkage(settings: SimSettings, widget: Widget) -> list[dict[str, str]]:
    if widget.custom_id != "application":
        return []
    project = next(w for w in settings.form if w.custom_id == "project")
    return [{"linkageWidgetID": project.id, "key": "project", "value": project.id}]


def parse_form(
    settings: SimSettings, raw: Any, texts: dict[str, str] | None = None
) -> list[FilledWidget]:
    """The filled widgets of a create-instance `form`; raises ApiFailure (1390001) naming
    the widget at fault. `texts` gives known texts of externally sourced option ids."""
    if not isinstance(raw, str):
        raise invalid("param is invalid: form must be a JSON string")
    try:
        items = json.loads(raw)
    except ValueError:
        raise invalid("param is invalid: form is not valid JSON") from None
    if not isinstance(items, list):
        raise invalid("param is invalid: form must be a JSON array")
    filled: dict[str, FilledWidget] = {}
    for item in items:
        widget_id = str(item.get("id", "")) if isinstance(item, dict) else ""
        widget = settings.widget(widget_id)
        if widget is None:
            raise invalid(f"param is invalid: 控件={widget_id} not found in the approval form")
        filled[widget.id] = _filled(widget, item, texts or {})
    for widget in settings.form:
        if widget.required and widget.id not in filled:
            raise invalid(f"param is invalid: 控件={widget.name}({widget.id}) is required")
    return [filled[w.id] for w in settings.form if w.id in filled]


def _filled(widget: Widget, item: dict[str, Any], texts: dict[str, str]) -> FilledWidget:
    where = f"控件={widget.name}({widget.id})"
    if item.get("type") != widget.type:
        raise invalid(f"param is invalid: {where} type must be {widget.type}")
    value = item.get("value")
    if not isinstance(value, str) or (widget.required and not value):
        raise invalid(f"param is invalid: {where} value must be a string")
    if widget.type == "date":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise invalid(f"param is invalid: {where} value must be an RFC3339 time") from None
    if widget.type != "radioV2":
        return FilledWidget(widget, value, value)
    if widget.source:
        return FilledWidget(widget, value, texts.get(value, value))
    option = next((o for o in widget.options if o.key == value), None)
    if option is None:
        raise invalid(f"param is invalid: {where} value {value!r} is not one of its options")
    return FilledWidget(widget, value, option.text)


def exported_form(filled: list[FilledWidget]) -> str:
    """The instance's `form` as get-instance returns it: a JSON string of the widgets with
    name and value; a radio's value is the chosen text and `option` holds key and text."""
    items = []
    for entry in filled:
        widget = entry.widget
        item: dict[str, Any] = {
            "id": widget.id,
            "custom_id": widget.custom_id,
            "name": widget.name,
            "type": widget.type,
            "ext": None,
            "value": entry.text if widget.type == "radioV2" else entry.value,
        }
        if widget.type == "radioV2":
            item["option"] = {"key": entry.value, "text": entry.text}
        items.append(item)
    return json.dumps(items, ensure_ascii=False)
