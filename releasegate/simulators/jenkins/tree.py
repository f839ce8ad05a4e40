"""Jenkins' `tree=` and `depth=` pruning of exported objects.

Grammar (hudson/model/Api/index.jelly; parser: stapler NamedPathPruner): a comma list of
property names, each optionally followed by `[sub,properties]` and a range `{M,N}`,
`{M,}`, `{,N}` or `{N}`. `*` stands for any property. Names are taken verbatim (a space
is part of the name, so `a, b` selects `a` and ` b`); range bounds are plain digits.

Exported objects are plain dicts. A value may be a zero-argument callable, evaluated
only when the pruning selects it, so an export can offer expensive fields for free.
A dict carrying `SUMMARY` is a model object (a job, a build): nested deeper than `depth`
it shows only the fields named there. Keys starting with "__" are never exported.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SUMMARY = "__summary__"
WILDCARD = "*"
_DELIMITERS = ",[]{}"
_NAME = re.compile(r"[^,\[\]{}]+")
# As NamedPathPruner's error messages name them.
_TOKEN_NAMES = {
    ",": "COMMA",
    "[": "LBRACE",
    "]": "RBRACE",
    "{": "QLBRACE",
    "}": "QRBRACE",
    "": "EOF",
}


class TreeSyntaxError(ValueError):
    """The `tree` is malformed; Jenkins answers 500 "Malformed tree expression"."""


@dataclass
class Selection:
    """One property the tree asks for; `children` are its own selections (empty: none)."""

    children: dict[str, Selection] = field(default_factory=dict)
    start: int = 0
    end: int = sys.maxsize

    def child(self, name: str) -> Selection | None:
        return self.children.get(name) or self.children.get(WILDCARD)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0

    def peek(self) -> str:
        """The next token: a delimiter, "" at the end, or a name."""
        if self.position == len(self.text):
            return ""
        match = _NAME.match(self.text, self.position)
        return match.group() if match else self.text[self.position]

    def accept(self, token: str) -> bool:
        if self.peek() != token:
            return False
        self.position += len(token)
        return True

    def expect(self, token: str) -> None:
        if not self.accept(token):
            raise TreeSyntaxError(f"expected {_TOKEN_NAMES[token]} at {self.position}")

    def name(self) -> str:
        token = self.peek()
        if token == "" or token in _DELIMITERS:
            raise TreeSyntaxError(f"expected name at {self.position}")
        self.position += len(token)
        return token

    def number(self) -> int:
        token = self.peek()
        if not token.isascii() or not token.isdigit():
            raise TreeSyntaxError(f"expected number at {self.position}")
        self.position += len(token)
        return int(token)


def parse_tree(text: str) -> Selection:
    """The selection a `tree` describes; raises TreeSyntaxError."""
    reader = _Reader(text)
    root = Selection()
    _parse_list(reader, root)
    reader.expect("")
    return root


def _parse_list(reader: _Reader, parent: Selection) -> None:
    while True:
        name = reader.name()
        selection = parent.children[name] = Selection()
        if reader.accept("["):
            _parse_list(reader, selection)
            reader.expect("]")
        if reader.accept("{"):
            selection.start, selection.end = _parse_range(reader)
            reader.expect("}")
        if not reader.accept(","):
            return


def _parse_range(reader: _Reader) -> tuple[int, int]:
    if reader.accept(","):
        return 0, reader.number()  # {,N}
    low = reader.number()
    if reader.peek() == "}":
        return low, low + 1  # {N}
    reader.expect(",")
    if reader.peek() == "}":
        return low, sys.maxsize  # {N,}
    return low, reader.number()  # {M,N}


def _resolve(value: Any) -> Any:
    return value() if callable(value) else value


def prune_tree(obj: dict[str, Any], selection: Selection) -> dict[str, Any]:
    """The object reduced to the selected properties; `_class` is always kept."""
    result: dict[str, Any] = {}
    for name, value in obj.items():
        if name == "_class":
            result[name] = value
            continue
        chosen = None if name.startswith("__") else selection.child(name)
        if chosen is not None:
            result[name] = _prune_value(_resolve(value), chosen)
    return result


def _prune_value(value: Any, selection: Selection) -> Any:
    if isinstance(value, list):
        # stapler Range.apply: cut at the end first, then skip the start.
        ranged = value[: selection.end][selection.start :]
        return [_prune_value(_resolve(item), selection) for item in ranged]
    if isinstance(value, dict):
        return prune_tree(value, selection)
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
