"""Reading a release request out of an approval form, through the configured mapping.

Everything here is about the form's text: which field says what, what "yes" looks like,
how a release time is written. Whether the request may run is the policies' business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from releasegate.config import FormMapping, ReleaseOptions

# DingTalk's date controls answer "2026-11-26" or "2026-11-26 14:30" depending on the unit;
# ISO forms come from API-started requests.
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
    """The release time is neither empty nor a time we can read."""


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
    db_change_unreadable: str | None = None


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


def _unreadable_answer(values: Mapping[str, str], label: str, known: set[str]) -> str | None:
    """A database-change answer that is missing or neither yes nor no: said plainly,
    because reading it as "no" would let an unfinished change through."""
    if label not in values:
        return f"表单中没有「{label}」字段，无法确认是否有数据库变更"
    answer = (values.get(label) or "").strip()
    if answer.lower() not in known:
        return f"「{label}」的回答 {answer[:20]!r} 无法识别，请选择 是 或 否"
    return None


def parse_release_time(text: str, options: ReleaseOptions) -> datetime | None:
    """The release time in the configured time zone; None when empty ("as soon as
    possible"). Raises `UnreadableTime` for anything else we cannot read."""
    text = text.strip()
    if not text:
        return None
    unreadable = UnreadableTime(
        f"发布时间 {text[:40]!r} 无法识别，请使用 2026-11-26 14:30 这样的格式"
    )
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
