"""Text a database can keep: PostgreSQL refuses NUL in text and JSON columns, and no
database can encode a lone UTF-16 surrogate. Both are valid JSON escapes (`\\u0000`,
`\\ud800`), so a body can parse fine and still fail at the INSERT as a 500. Checked at
the edge instead, so the sender hears which field is wrong."""

from __future__ import annotations

from typing import Any

_SURROGATES = range(0xD800, 0xE000)


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    if "\x00" in text:
        return "must not contain NUL characters"
    if any(ord(character) in _SURROGATES for character in text):
        return "must not contain unpaired surrogates"
    return None


def unstorable(value: Any, path: str = "") -> tuple[str, str] | None:
    """The dotted path of the first text (a key or a value, at any depth) that cannot be
    stored, and why; None when everything can be. `path` names `value` itself."""
    if isinstance(value, str):
        problem = text_problem(value)
        return (path or "body", problem) if problem else None
    if isinstance(value, dict):
        items: list[tuple[str, Any]] = []
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            problem = text_problem(key) if isinstance(key, str) else None
            if problem:
                return (path or "body", f"a key {problem}")
            items.append((where, item))
        return _first(items)
    if isinstance(value, list | tuple):
        return _first([(f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value)])
    return None


def _first(items: list[tuple[str, Any]]) -> tuple[str, str] | None:
    for where, item in items:
        found = unstorable(item, where)
        if found:
            return found
    return None
