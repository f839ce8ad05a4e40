"""Hostile bodies for any JSON endpoint, as hypothesis strategies, and the check that a
refusal is clean.

Written for the DingTalk connector actions and the event push, and meant for every JSON
endpoint that comes after (the REST API): describe the body's fields as strategies for
good values, draw `hostile_bodies(fields)`, post it, and `assert_clean_refusal` the
answer unless the endpoint accepted it.

    @given(body=hostile_bodies({"project": st.text(), "count": st.integers()}))
    def test_it_never_fails_on(client, body): ...

Profiles (`HYPOTHESIS_PROFILE`): `dev` (the default) keeps the suite fast with a few
dozen random examples per test; `ci` draws more, derandomized so a failure reproduces.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Text that has broken parsers, databases and log lines before: NUL and other controls,
# unpaired surrogates (valid as JSON escapes, unencodable as UTF-8), right-to-left
# overrides, BOMs and zero-width joiners, astral characters, path and markup tricks.
ODD_STRINGS = (
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff",
    "x\udc80y",
    "\u202eevil\u202c",
    "\ufeff",
    "\u200d\u200b",
    "𝕏🚀",
    "\r\n\t\x1b[31m",
    "../../etc/passwd",
    "..%2F..%2F",
    "%00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "${jndi:ldap://x}",
    "",
    " ",
)


def odd_text() -> st.SearchStrategy[str]:
    """Strings of any kind, surrogates and NUL included."""
    return st.one_of(
        st.sampled_from(ODD_STRINGS),
        st.text(max_size=40),
        st.text(st.characters(categories=["Cs", "Cc", "Cf", "Zl", "Zp"]), max_size=8),
        st.text(st.characters(codec="utf-8"), min_size=1000, max_size=1200),
    )


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value, with odd text and numbers at the edges of every type."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([0, -1, 2**63, -(2**63) - 1, 10**100]),
        st.floats(allow_nan=False, allow_infinity=False),
        odd_text(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(odd_text(), inner, max_size=4),
        ),
        max_leaves=12,
    )


def encode(value: Any, *, ascii_only: bool = True) -> bytes:
    """JSON bytes for `value`. Non-ASCII output keeps unpaired surrogates as raw
    (invalid UTF-8) bytes, the other way they reach a parser."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    return text.encode("utf-8", "surrogatepass")


def malformed_json() -> st.SearchStrategy[bytes]:
    """Bytes that are not one JSON value: truncated, invalid UTF-8, NaN, trailing commas."""
    return st.one_of(
        st.binary(max_size=64),
        st.sampled_from(
            [
                b"{",
                b'{"a": }',
                b"{'a': 1}",
                b'{"a": 1,}',
                b'{"a": NaN}',
                b'{"a": Infinity}',
                b"\xef\xbb\xbf{}",
                b'{"a": "\xff\xfe"}',
                b'{"a": 1} {"b": 2}',
                b"null",
                b"[]",
                b'"text"',
                b"1e999999",
            ]
        ),
        json_values().map(lambda value: encode(value)[:-1] or b"["),
    )


def deeply_nested(max_depth: int = 20_000) -> st.SearchStrategy[bytes]:
    """Arrays or objects nested far deeper than any parser's recursion limit."""
    return st.builds(
        lambda depth, as_object: (
            (b'{"a":' * depth + b"1" + b"}" * depth) if as_object else (b"[" * depth + b"]" * depth)
        ),
        st.integers(min_value=100, max_value=max_depth),
        st.booleans(),
    )


def shaped(fields: Mapping[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects shaped like the endpoint's body, then broken: some fields missing, some
    holding a value of any other type, some extra fields with odd names."""
    names = sorted(fields)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for name in names:
            choice = draw(st.sampled_from(["good", "good", "wrong", "missing"]))
            if choice == "good":
                body[name] = draw(fields[name])
            elif choice == "wrong":
                body[name] = draw(json_values())
        extra = draw(st.dictionaries(odd_text(), json_values(), max_size=2))
        return {**extra, **body}

    return build()


def hostile_bodies(fields: Mapping[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[bytes]:
    """Request bodies for a JSON endpoint whose good body has `fields`."""
    return st.one_of(
        shaped(fields).map(encode),
        st.builds(encode, shaped(fields), ascii_only=st.just(False)),
        malformed_json(),
        deeply_nested(),
        json_values().map(encode),
    )


def assert_clean_refusal(status: int, content: bytes, *, field: bool = True) -> dict[str, Any]:
    """The answer is a 4xx with a JSON `error` (and, when `field`, the `field` it names,
    for a body problem); returns the decoded answer."""
    assert 400 <= status < 500, (status, content[:300])
    answer: dict[str, Any] = json.loads(content)
    assert isinstance(answer.get("error"), str) and answer["error"], answer
    if field and status == 400:
        assert isinstance(answer.get("field"), str) and answer["field"], answer
    return answer


def register_profiles() -> None:
    """The `dev` and `ci` profiles; `HYPOTHESIS_PROFILE` picks one (dev by default)."""
    common: dict[str, Any] = {
        "deadline": None,  # examples hit the database; a slow disk is not a finding
        # The Django test client and the database are set up once per test, not per
        # example, on purpose: every example must leave them as it found them.
        "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    }
    settings.register_profile("dev", max_examples=20, **common)
    settings.register_profile("ci", max_examples=60, derandomize=True, database=None, **common)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
