from __future__ import annotations

from releasegate.lib.storable import text_problem, unstorable


def test_plain_text_of_any_script_is_storable() -> None:
    assert text_problem("商城 mall \u202eRTL 🚀") is None
    assert unstorable({"项目": ["a", {"b": "c"}], "n": 1, "t": True, "x": None}) is None


def test_it_names_a_nul_deep_inside_the_body() -> None:
    assert unstorable({"form": {"items": ["ok", "bad\x00"]}}) == (
        "form.items.1",
        "must not contain NUL characters",
    )


def test_it_names_a_lone_surrogate() -> None:
    assert unstorable({"instance_id": "a\ud800"}) == (
        "instance_id",
        "must not contain unpaired surrogates",
    )


def test_a_bad_key_is_named_by_the_object_that_holds_it() -> None:
    assert unstorable({"form": {"k\x00": "v"}}) == (
        "form",
        "a key must not contain NUL characters",
    )


def test_a_bare_bad_text_is_the_body() -> None:
    assert unstorable("\x00") == ("body", "must not contain NUL characters")
