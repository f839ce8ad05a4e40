"""The release calendar: for each day of a week or a month, the releases planned on it,
the windows open on it, the freezes over it (one-off, recurring, holiday), and whether
it is a public holiday or a working weekend. The dashboard page and `GET
/api/calendar` both show this.

Times are local (the configured time zone), as the configuration writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.db.models import Q

from releasegate.config import ReleaseOptions
from releasegate.releases.holidays import days_between, holiday_day
from releasegate.releases.models import Release
from releasegate.releases.recurring import occurrences
from releasegate.releases.windows import window_opens_on

View = Literal["week", "month"]


@dataclass(frozen=True)
class FreezeSpan:
    """A freeze's part within one day: from `start` to `end` (24:00 as 24:00)."""

    kind: Literal["one-off", "recurring", "holiday"]
    reason: str
    start: str
    end: str


@dataclass(frozen=True)
class PlannedRelease:
    id: int
    application: str
    state: str
    # The state in the words of the active language.
    state_label: str
    at: datetime


@dataclass
class CalendarDay:
    day: date
    # Inside the month looked at (a month's grid starts and ends with whole weeks).
    in_focus: bool = True
    holiday: str | None = None
    holiday_english: str | None = None
    working_weekend: bool = False
    # False when the holiday data has nothing for this day's year.
    holiday_data_known: bool = True
    windows: list[str] = field(default_factory=list)
    freezes: list[FreezeSpan] = field(default_factory=list)
    releases: list[PlannedRelease] = field(default_factory=list)


class UnreadableQuery(ValueError):
    """A calendar query parameter that cannot be read; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def read_query(view: str | None, anchor: str | None, today: date) -> tuple[View, date]:
    """The view ("week" or "month", default month) and the day to show around
    (YYYY-MM-DD, default `today`); raises UnreadableQuery naming the parameter."""
    if view is not None and view not in ("", "week", "month"):
        raise UnreadableQuery("view", f"view must be week or month, not {view[:20]!r}")
    chosen: View = "week" if view == "week" else "month"
    if anchor is None or anchor == "":
        return chosen, today
    try:
        day = date.fromisoformat(anchor)
    except ValueError:
        raise UnreadableQuery("date", f"date must be YYYY-MM-DD, not {anchor[:20]!r}") from None
    if not 1 < day.year < 9999:
        raise UnreadableQuery("date", f"date {anchor} is out of range")
    return chosen, day


def span_of(view: View, anchor: date) -> tuple[date, date]:
    """The first and last day shown: the week (Monday to Sunday) of `anchor`, or the
    whole weeks that cover its month."""
    if view == "week":
        first = anchor - timedelta(days=anchor.weekday())
        return first, first + timedelta(days=6)
    month_start = anchor.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    first = month_start - timedelta(days=month_start.weekday())
    last = next_month - timedelta(days=1)
    return first, last + timedelta(days=6 - last.weekday())


def neighbours(view: View, anchor: date) -> tuple[date, date]:
    """The anchors of the previous and the next week or month."""
    if view == "week":
        return anchor - timedelta(days=7), anchor + timedelta(days=7)
    month_start = anchor.replace(day=1)
    previous = (month_start - timedelta(days=1)).replace(day=1)
    return previous, (month_start + timedelta(days=32)).replace(day=1)


def build_calendar(view: View, anchor: date, options: ReleaseOptions) -> list[CalendarDay]:
    """Every day of the week or month of `anchor`, with what happens on it."""
    first, last = span_of(view, anchor)
    days = [
        _day(day, options, view != "month" or day.month == anchor.month)
        for day in days_between(first, last)
    ]
    by_date = {entry.day: entry for entry in days}
    for release in _planned(first, last, options):
        by_date[release.at.date()].releases.append(release)
    return days


def _day(day: date, options: ReleaseOptions, in_focus: bool) -> CalendarDay:
    found = holiday_day(day, options.holidays)
    entry = CalendarDay(
        day,
        in_focus,
        found.holiday,
        found.english or found.holiday,
        found.working_weekend,
        found.known,
    )
    entry.freezes = _freezes_on(day, options, found.holiday)
    frozen_all_day = any(span.kind == "holiday" for span in entry.freezes)
    entry.windows = [
        f"{window.start}-{window.end}"
        for window in options.windows
        if not frozen_all_day and window_opens_on(window, day, found.working_weekend)
    ]
    return entry


def _freezes_on(day: date, options: ReleaseOptions, holiday: str | None) -> list[FreezeSpan]:
    start, end = datetime.combine(day, time()), datetime.combine(day + timedelta(days=1), time())
    spans: list[FreezeSpan] = []
    for freeze in options.freezes:
        one_off = (freeze.start.replace(tzinfo=None), freeze.end.replace(tzinfo=None))
        spans += _clipped("one-off", freeze.reason, [one_off], start, end)
    for recurring in options.recurring_freezes:
        found = occurrences(recurring, start, end)
        spans += _clipped("recurring", recurring.reason, found, start, end)
    if holiday and options.holidays is not None and options.holidays.freeze:
        spans.append(FreezeSpan("holiday", holiday, "00:00", "24:00"))
    return spans


def _clipped(
    kind: Literal["one-off", "recurring"],
    reason: str,
    found: list[tuple[datetime, datetime]],
    start: datetime,
    end: datetime,
) -> list[FreezeSpan]:
    """The parts of `found` within [start, end), as clock times on that day."""
    return [
        FreezeSpan(
            kind,
            reason,
            f"{max(begin, start):%H:%M}",
            "24:00" if finish >= end else f"{finish:%H:%M}",
        )
        for begin, finish in found
        if begin < end and finish > start
    ]


def _planned(first: date, last: date, options: ReleaseOptions) -> list[PlannedRelease]:
    """Releases planned for (or, having no plan, triggered within) the days shown."""
    zone = options.zone
    since = datetime.combine(first, time(), tzinfo=zone)
    until = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    planned = Q(scheduled_for__gte=since, scheduled_for__lt=until)
    triggered = Q(
        scheduled_for__isnull=True, trigger_attempted_at__gte=since, trigger_attempted_at__lt=until
    )
    releases = Release.objects.filter(planned | triggered).only(
        "id", "application_name", "state", "scheduled_for", "trigger_attempted_at"
    )
    shown = [
        PlannedRelease(
            release.pk,
            release.application_name,
            release.state,
            release.get_state_display(),
            (release.scheduled_for or release.trigger_attempted_at).astimezone(zone),  # type: ignore[union-attr]
        )
        for release in releases
    ]
    return sorted(shown, key=lambda release: (release.at, release.id))
