"""Jenkins' `tree=` and `depth=` pruning of exported objects.

Grammar (hudson/model/Api/index.jelly): a comma list of property names, each optionally
followed by `[sub,properties]` and a range `{M,N}`, `{M,}`, `{,N}` or `{N}`.

Exported objects are plain dicts. A value may be a zero-argument callable, evaluated
only when the pruning selects it, so an export can offer expensive fields for free.
A dict carrying `SUMMARY` is a model object (a job, a build): nested deeper than `depth`
it shows only the fields named there. Keys starting with "__" are never exported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SUMMARY = "__summary__"


class TreeSyntaxError(ValueError):
    pass


@dataclass
class Selection:
    name: str
    children: list[Selection] | None = None
    start: int | None = None
    end: int | None = None
    ranged: bool = field(default=False)


def parse_tree(text: str) -> list[Selection]:
    selections, position = _parse_list(text, 0)
    if position != len(text):
        raise TreeSyntaxError(f"unexpected {text[position]!r} at {position} in tree")
    return selections


def _parse_list(text: str, position: int) -> tuple[list[Selection], int]:
    selections: list[Selection] = []
    while True:
        selection, position = _parse_selection(text, position)
        selections.append(selection)
        if position < len(text) and text[position] == ",":
            position += 1
            continue
        return selections, position


def _parse_selection(text: str, position: int) -> tuple[Selection, int]:
    start = position
    while position < len(text) and text[position] not in ",[]{}":
        position += 1
    name = text[start:position].strip()
    if not name:
        raise TreeSyntaxError(f"missing property name at {start} in tree")
    selection = Selection(name)
    if position < len(text) and text[position] == "[":
        selection.children, position = _parse_list(text, position + 1)
        if position >= len(text) or text[position] != "]":
            raise TreeSyntaxError("unbalanced '[' in tree")
        position += 1
    if position < len(text) and text[position] == "{":
        close = text.find("}", position)
        if close < 0:
            raise TreeSyntaxError("unbalanced '{' in tree")
        _parse_range(selection, text[position + 1 : close])
        position = close + 1
    return selection, position


def _parse_range(selection: Selection, body: str) -> None:
    try:
        if "," in body:
            low, high = body.split(",", 1)
            selection.start = int(low) if low.strip() else 0
            selection.end = int(high) if high.strip() else None
        else:
            selection.start = int(body)
            selection.end = selection.start + 1
    except ValueError:
        raise TreeSyntaxError(f"bad range {{{body}}} in tree") from None
    selection.ranged = True


def _resolve(value: Any) -> Any:
    return value() if callable(value) else value


def prune_tree(obj: dict[str, Any], selections: list[Selection]) -> dict[str, Any]:
    """The object reduced to the selected properties (`_class` is always kept)."""
    result: dict[str, Any] = {}
    if "_class" in obj:
        result["_class"] = obj["_class"]
    for selection in selections:
        if selection.name in obj and not selection.name.startswith("__"):
            result[selection.name] = _prune_value(_resolve(obj[selection.name]), selection)
    return result


def _prune_value(value: Any, selection: Selection) -> Any:
    if isinstance(value, list):
        if selection.ranged:
            value = value[selection.start : selection.end]
        return [_prune_value(_resolve(item), selection) for item in value]
    if isinstance(value, dict):
        return prune_tree(value, selection.children or [])
    return value


def prune_depth(obj: dict[str, Any], depth: int, nesting: int = 0) -> dict[str, Any]:
    """The object as `?depth=N` exports it: model objects nested deeper than `depth`
    show their summary fields only."""
    names: Callable[[str], bool]
    if nesting > depth and SUMMARY in obj:
        summary = set(obj[SUMMARY]) | {"_class"}
        names = summary.__contains__
    else:
        names = lambda name: not name.startswith("__")  # noqa: E731
    result: dict[str, Any] = {}
    for name, value in obj.items():
        if names(name):
            result[name] = _depth_value(_resolve(value), depth, nesting)
    return result


def _depth_value(value: Any, depth: int, nesting: int) -> Any:
    if isinstance(value, list):
        return [_depth_value(_resolve(item), depth, nesting) for item in value]
    if isinstance(value, dict):
        child_nesting = nesting + 1 if SUMMARY in value else nesting
        return prune_depth(value, depth, child_nesting)
    return value
