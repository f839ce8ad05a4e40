"""Stored details (a release event's, a catalog sync's change) as text a person reads:
no JSON, no Python reprs. Keys stay the words the audit trail recorded; values are
flattened: lists joined with ", ", a form's name/value pairs as "name: value", a change
as "before → after"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

EMPTY: tuple[object, ...] = (None, "", [], {})


def event_details(details: Mapping[str, Any]) -> str:
    """One line: "key: value · key: value", in key order, empty values left out."""
    return " · ".join(
        f"{key}: {_value(value)}" for key, value in sorted(details.items()) if value not in EMPTY
    )


def catalog_change(details: Mapping[str, Any]) -> list[str]:
    """One line per difference a sync found: "TAG default: v3.7.2 → v3.8.0",
    "parameters added: CANARY_PERCENT"."""
    lines = [f"{name}: {_before_after(pair)}" for name, pair in details.get("fields", {}).items()]
    parameters = details.get("parameters", {})
    labels = {
        "added": _("parameters added"),
        "removed": _("parameters removed"),
        "reordered": _("parameters reordered"),
    }
    lines += [
        f"{label}: {_value(parameters[kind])}"
        for kind, label in labels.items()
        if parameters.get(kind)
    ]
    for name, keys in parameters.get("changed", {}).items():
        lines += [f"{name} {key}: {_before_after(pair)}" for key, pair in keys.items()]
    return lines


def _before_after(pair: Any) -> str:
    if isinstance(pair, list | tuple) and len(pair) == 2:
        return f"{_value(pair[0])} → {_value(pair[1])}"
    return _value(pair)


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Mapping):
        if set(value) == {"name", "value"}:
            return f"{value['name']}: {_value(value['value'])}"
        return ", ".join(f"{key}: {_value(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(item) for item in value) or "—"
    return str(value)
