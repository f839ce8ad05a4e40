"""Reading a release request out of an approval form, through the configured mapping.

Everything here is about the form's text: which field says what, what "yes" looks like,
how a release time is written. Whether the request may run is the policies' business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_noop

from releasegate.config import FormMapping, ReleaseOptions
from releasegate.releases.refusals import DB_CHANGE, RELEASE_TIME, Refusal

# DingTalk's date controls answer "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" depending on the
# unit; ISO forms come from API-started requests.
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)


class UnreadableTime(ValueError):
    """The release time is neither empty nor a time we can read; `refusal` says so."""

    def __init__(self, text: str) -> None:
        # The format rather than a sample date: a sample goes out of date, then reads as
        # a time that has already passed.
        said = gettext_noop("The release time %(text)s cannot be read: use the format %(format)s")
        self.refusal = Refusal(said, field=RELEASE_TIME, text=repr(text[:40]), format=_SHOWN)
        super().__init__(self.refusal)


# How the refusal writes the expected format (the page's date picker writes it so too).
_SHOWN = "YYYY-MM-DD HH:MM"


@dataclass(frozen=True)
class RequestedRelease:
    project: str
    application: str
    release_type: str
    release_time_text: str
    has_db_change: bool
    db_change_done: bool
    # Jenkins parameter name -> value, from the fields the mapping names (under each
    # field's first name; `releases.parameters.requested_parameters` picks the one the
    # chosen job declares).
    parameters: dict[str, str] = field(default_factory=dict)
    # Why the database-change answer could not be read (None: it could).
    db_change_unreadable: Refusal | None = None


def read_form(values: Mapping[str, str], mapping: FormMapping) -> RequestedRelease:
    """The request a form describes; absent fields read as empty."""
    yes = {answer.lower() for answer in mapping.yes_values}
    no = {answer.lower() for answer in mapping.no_values}

    def text(label: str) -> str:
        return (values.get(label) or "").strip()

    return RequestedRelease(
        project=text(mapping.project),
        application=text(mapping.application),
        release_type=text(mapping.release_type),
        release_time_text=text(mapping.release_time),
        has_db_change=text(mapping.db_change).lower() not in no,
        db_change_unreadable=_unreadable_answer(values, mapping.db_change, yes | no),
        db_change_done=text(mapping.db_change_done).lower() in yes,
        parameters={
            names[0]: text(label)
            for label, names in mapping.parameter_names().items()
            if text(label)
        },
    )


def _unreadable_answer(values: Mapping[str, str], label: str, known: set[str]) -> Refusal | None:
    """A database-change answer that is missing or neither yes nor no: said plainly,
    because reading it as "no" would let an unfinished change through."""
    if label not in values:
        said = gettext_noop(
            "The form has no “%(label)s” field: whether there is a database change is unknown"
        )
        return Refusal(said, field=DB_CHANGE, label=label)
    answer = (values.get(label) or "").strip()
    if answer.lower() not in known:
        said = gettext_noop("The answer %(answer)s to “%(label)s” cannot be read: choose 是 or 否")
        return Refusal(said, field=DB_CHANGE, label=label, answer=repr(answer[:20]))
    return None


def parse_release_time(text: str, options: ReleaseOptions) -> datetime | None:
    """The release time in the configured time zone; None when empty ("as soon as
    possible"). Raises `UnreadableTime` for anything else we cannot read."""
    text = text.strip()
    if not text:
        return None
    unreadable = UnreadableTime(text)
    if text.isascii() and text.isdigit() and 12 <= len(text) <= 13:
        # Some date controls answer milliseconds since the epoch.
        try:
            return datetime.fromtimestamp(int(text) / 1000, tz=options.zone)
        except (ValueError, OverflowError, OSError):
            raise unreadable from None
    for pattern in _TIME_FORMATS:
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return parsed.replace(tzinfo=options.zone)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise unreadable from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=options.zone)
