from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from releasegate.lib.validation import first_problem


class Inner(BaseModel):
    count: int


class Outer(BaseModel):
    items: list[Inner]


def test_it_names_the_nested_field_and_what_is_wrong() -> None:
    with pytest.raises(ValidationError) as raised:
        Outer.model_validate({"items": [{"count": 1}, {"count": "many"}]})

    where, message = first_problem(raised.value)

    assert where == "items.1.count"
    assert "integer" in message


def test_a_payload_wrong_as_a_whole_is_named_as_such() -> None:
    with pytest.raises(ValidationError) as raised:
        Outer.model_validate_json("not json")

    assert first_problem(raised.value, "the frame")[0] == "the frame"
