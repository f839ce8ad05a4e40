"""`leading_items` gives the first items of a JSON array exactly as `json.loads` would,
stops reading after them (what follows may even be cut off), and refuses what is not an
array."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releasegate.lib.json_items import leading_items

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(st.lists(VALUES, max_size=8), st.integers(min_value=0, max_value=10), st.booleans())
def test_it_agrees_with_the_standard_decoder(items: list[object], count: int, wide: bool) -> None:
    text = json.dumps(items, indent=2 if wide else None)

    assert leading_items(text, count) == json.loads(text)[:count]


def test_it_stops_before_what_it_was_not_asked_for() -> None:
    text = '[{"change": "added"}, {"change": "removed"}, {"change": "chan'

    assert leading_items(text, 2) == [{"change": "added"}, {"change": "removed"}]


@pytest.mark.parametrize("text", ['{"a": 1}', "", "  7", "[1 2]", "[1,"])
def test_what_is_not_an_array_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        leading_items(text, 5)
