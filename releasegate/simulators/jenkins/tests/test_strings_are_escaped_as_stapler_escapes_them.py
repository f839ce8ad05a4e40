"""JSONDataWriter's string escapes, in compact JSON, pretty JSON and Python alike."""

from __future__ import annotations

import ast
import json

import pytest

from releasegate.simulators.jenkins.flavours import write_json, write_python, write_xml

TEXT = 'tab\there "quoted" back\\slash \x85 发布 😀'
ESCAPED = '"tab\\there \\"quoted\\" back\\\\slash \\u0085 发布 \\ud83d\\ude00"'


@pytest.mark.parametrize("pretty", [False, True])
def test_it_escapes_c1_controls_and_surrogates_but_not_other_text(pretty: bool) -> None:
    text = write_json({"description": TEXT}, pretty)

    assert ESCAPED in text
    assert json.loads(text) == {"description": TEXT}


def test_python_literals_read_back_with_surrogates_as_from_jenkins() -> None:
    text = write_python({"description": TEXT, "ok": True, "none": None})

    # Python reads `\ud83d\ude00` as two lone surrogates, not one character: what a
    # Python client gets from a real Jenkins too.
    assert ast.literal_eval(text) == {
        "description": TEXT.replace("😀", "\ud83d\ude00"),
        "ok": True,
        "none": None,
    }


def test_xml_escapes_only_markup() -> None:
    xml = write_xml({"_class": "hudson.model.Hudson", "description": "a<b & 'c' \"d\""}, "hudson")

    assert xml == (
        "<hudson _class='hudson.model.Hudson'>"
        "<description>a&lt;b &amp; 'c' \"d\"</description></hudson>"
    )
