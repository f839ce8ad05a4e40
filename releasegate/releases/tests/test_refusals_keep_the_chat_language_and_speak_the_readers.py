"""A refusal is the chat platforms' words (Chinese) as a string, whatever language is
active where it is made, and says itself in the reader's language when shown."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_noop

from releasegate.releases.refusals import (
    DB_CHANGE,
    SENTENCE_SEPARATOR,
    Listing,
    Phrase,
    Refusal,
)

PASSED = gettext_noop("The release time %(time)s has passed: choose another")


def test_it_is_chinese_as_a_string_even_when_made_on_an_english_page() -> None:
    with translation.override("en"):
        refusal = Refusal(PASSED, field=DB_CHANGE, time="2020-01-01 10:00")

    assert refusal == "发布时间 2020-01-01 10:00 已经过去，请重新选择"
    assert refusal.field == DB_CHANGE


def test_it_is_shown_in_the_language_active_when_it_is_read() -> None:
    refusal = Refusal(PASSED, time="2020-01-01 10:00")

    with translation.override("en"):
        assert refusal.shown() == "The release time 2020-01-01 10:00 has passed: choose another"
    with translation.override("zh-hans"):
        assert refusal.shown() == "发布时间 2020-01-01 10:00 已经过去，请重新选择"


def test_lists_and_phrases_inside_it_follow_its_language() -> None:
    days = Listing([Phrase(gettext_noop("Mon")), Phrase(gettext_noop("Tue"))])
    both = Listing([Refusal(PASSED, time="a"), Refusal(PASSED, time="b")], SENTENCE_SEPARATOR)

    assert days == "周一、周二"
    with translation.override("en"):
        assert days.shown() == "Mon, Tue"
        assert both.shown().count("; The release time") == 1
    assert "；发布时间 b" in both
