"""The first items of a stored JSON array, read without parsing the rest.

A catalog sync keeps every change it made (a first sync of a 5,000-job Jenkins: several
megabytes); a page shows the first fifty. The standard decoder reads a whole document, so
this reads the array one item at a time with `json.JSONDecoder.raw_decode` and stops.
"""

from __future__ import annotations

import json
import re
from typing import Any

_BLANK = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def leading_items(text: str, count: int) -> list[Any]:
    """The first `count` items of the JSON array `text` (all of them when it has fewer).
    Raises ValueError when `text` is not a JSON array, as far as it was read."""
    at = _past_blanks(text, 0)
    if text[at : at + 1] != "[":
        raise ValueError("not a JSON array")
    at = _past_blanks(text, at + 1)
    items: list[Any] = []
    if text[at : at + 1] == "]":
        return items
    while len(items) < count:
        item, at = _DECODER.raw_decode(text, at)
        items.append(item)
        at = _past_blanks(text, at)
        if text[at : at + 1] == "]":
            break
        if text[at : at + 1] != ",":
            raise ValueError(f"expected , or ] at {at}")
        at = _past_blanks(text, at + 1)
    return items


def _past_blanks(text: str, at: int) -> int:
    found = _BLANK.match(text, at)
    return found.end() if found else at
