"""Why a request may not run, said in the language of whoever reads it.

A refusal is written once, in English, with gettext (`gettext_noop` marks its words for
the catalog) and read in two places: the chat platforms (DingTalk's submit check, the
engine's reasons, the messages to the people who asked), which get the site's default
language, Chinese, as they always did; and the dashboard and the API, which get the
language of the page or of the caller. So a `Refusal` *is* the chat platforms' words (a
`str`, rendered in the default language when it is made: whatever joins or stores it
keeps working), and `shown()` says it again in the language active when it is called.

`field` says which form field it is about, so a page places it beside that field without
reading its words.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

# The form fields a refusal can be about (`GENERAL`: the request as a whole).
PROJECT = "project"
APPLICATION = "application"
RELEASE_TIME = "release_time"
DB_CHANGE = "db_change"
PARAMETER = "parameter"
GENERAL = "general"

# How a list is written: "a, b" in English, "a、b" in Chinese.
LIST_SEPARATOR = gettext_noop(", ")
# How two sentences are joined: "a; b" in English, "a；b" in Chinese.
SENTENCE_SEPARATOR = gettext_noop("; ")

Value = object


class Phrase(str):
    """Words marked for translation with their values: as a `str` in the site's default
    language, `shown()` in the active one. A value may be a `Phrase` itself (a weekday's
    name, a list): it is said in the same language as the sentence around it."""

    text: str
    values: dict[str, Value]

    def __new__(cls, text: str, /, **values: Value) -> Self:
        with translation.override(settings.LANGUAGE_CODE):
            said = _render(text, values)
        made = super().__new__(cls, said)
        made.text, made.values = text, values
        return made

    def shown(self) -> str:
        """The words in the language active now."""
        return _render(self.text, self.values)


class Listing(Phrase):
    """Items one after the other, with the separator each language writes them with."""

    items: tuple[Value, ...]

    def __new__(cls, items: Iterable[Value], separator: str = LIST_SEPARATOR) -> Self:
        listed = tuple(items)
        with translation.override(settings.LANGUAGE_CODE):
            said = _joined(listed, separator)
        made = str.__new__(cls, said)
        made.text, made.values, made.items = separator, {}, listed
        return made

    def shown(self) -> str:
        return _joined(self.items, self.text)


class Refusal(Phrase):
    """One reason a request may not run, and the field it is about (`parameter`: which
    one, when `field` is `PARAMETER`)."""

    field: str
    parameter: str

    def __new__(
        cls, text: str, /, field: str = GENERAL, parameter: str = "", **values: Value
    ) -> Self:
        made = super().__new__(cls, text, **values)
        made.field, made.parameter = field, parameter
        return made


def shown(words: str) -> str:
    """`words` in the language active now when they are a `Phrase`, as they are if not
    (a platform's own refusal arrives in its own words)."""
    return words.shown() if isinstance(words, Phrase) else words


def _render(text: str, values: dict[str, Value]) -> str:
    translated = gettext(text)
    if not values:
        return translated
    return translated % {name: shown(v) if isinstance(v, str) else v for name, v in values.items()}


def _joined(items: tuple[Value, ...], separator: str) -> str:
    return gettext(separator).join(shown(i) if isinstance(i, str) else str(i) for i in items)
