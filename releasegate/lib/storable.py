"""Text a database can keep: PostgreSQL refuses NUL in text and JSON columns, and no
database can encode a lone UTF-16 surrogate. Both are valid JSON escapes (`\\u0000`,
`\\ud800`), so a body can parse fine and still fail at the INSERT as a 500. Checked at
the edge instead, so the sender hears which field is wrong."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# One regex pass: this runs on every connector call, whose budget is a few milliseconds.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "must not contain NUL characters"
    return "must not contain unpaired surrogates"


def unstorable(value: Any) -> tuple[str, str] | None:
    """The dotted path of the first text (a key or a value, at any depth) that cannot be
    stored, and why; None when everything can be. A bad key is named by the object that
    holds it; a bad text that is the whole value is the "body"."""
    found = _find(value)
    if found is None:
        return None
    reversed_path, problem = found
    return ".".join(reversed(reversed_path)) or "body", problem


def _find(value: Any) -> tuple[list[str], str] | None:
    # The path is built only on the way back from a find: nothing is spent on the
    # (usual) clean body.
    if isinstance(value, str):
        problem = text_problem(value)
        return ([], problem) if problem else None
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        problem = text_problem(key) if isinstance(key, str) else None
        if problem:
            return [], f"a key {problem}"
        found = _find(item)
        if found:
            found[0].append(str(key))
            return found
    return None
