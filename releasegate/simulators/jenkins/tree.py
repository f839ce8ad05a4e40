"""Jenkins' `tree=` and `depth=` pruning of exported objects.

Grammar (hudson/model/Api/index.jelly; parser: stapler NamedPathPruner): a comma list of
property names, each optionally followed by `[sub,properties]` and a range `{M,N}`,
`{M,}`, `{,N}` or `{N}`. `*` stands for any property. Names are taken verbatim (a space
is part of the name, so `a, b` selects `a` and ` b`); range bounds are plain digits.

Exported objects are plain dicts, each an @ExportedBean. A value may be a zero-argument
callable, evaluated only when the pruning selects it, so an export can offer expensive
fields for free. Keys starting with "__" are never exported; two describe the bean the
way its Java annotations do, for `depth`:
- `VISIBILITY`: {property: visibility} for properties whose @Exported(visibility=N) (or
  the class's @ExportedBean(defaultVisibility=N)) is not 1; "*" sets the bean's default.
- `INLINE`: properties exported with @Exported(inline=true) (Job.property, Queue.items).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

VISIBILITY = "__visibility__"
INLINE = "__inline__"
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


def prune_depth(obj: dict[str, Any], depth: int) -> dict[str, Any]:
    """The object as `?depth=N` exports it: stapler's TreePruner.ByDepth(1 - depth).

    A property is written when its visibility is at least the pruner's level; the value's
    own properties are then judged one level up (the same level when inline). So at
    depth 0 a job shows its builds as `number` and `url` (visibility 2), and a build's
    CauseAction its causes (2) with their descriptions (3)."""
    return _by_depth(obj, 1 - depth)


def _by_depth(obj: dict[str, Any], level: int) -> dict[str, Any]:
    visibility: dict[str, int] = obj.get(VISIBILITY, {})
    default = visibility.get("*", 1)
    inline = obj.get(INLINE, ())
    result: dict[str, Any] = {}
    for name, value in obj.items():
        if name == "_class":
            result[name] = value
        elif not name.startswith("__") and visibility.get(name, default) >= level:
            child = level if name in inline else level + 1
            result[name] = _depth_value(_resolve(value), child)
    return result


def _depth_value(value: Any, level: int) -> Any:
    if isinstance(value, list):
        return [_depth_value(_resolve(item), level) for item in value]
    if isinstance(value, dict):
        return _by_depth(value, level)
    return value
