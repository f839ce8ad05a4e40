"""The occurrences of a recurring freeze (every week, or every month) in a span of time.

Times are naive local times, like the configuration's: a freeze from Friday 18:00 is
from 18:00 on the clock of the configured time zone, whatever the offset.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from releasegate.config import RecurringFreeze

Span = tuple[datetime, datetime]


def occurrences(freeze: RecurringFreeze, first: datetime, last: datetime) -> list[Span]:
    """Each (start, end) of `freeze` that overlaps [first, last), in order."""
    starts = _weekly_starts if freeze.every == "week" else _monthly_starts
    spans = [(start, _end_after(freeze, start)) for start in starts(freeze, first, last)]
    return [(start, end) for start, end in spans if start < last and end > first]


def frozen_by(freeze: RecurringFreeze, moment: datetime) -> Span | None:
    """The occurrence of `freeze` that `moment` (naive local) falls in, if any."""
    found = occurrences(freeze, moment, moment + timedelta(microseconds=1))
    return found[0] if found else None


def _weekly_starts(freeze: RecurringFreeze, first: datetime, last: datetime) -> list[datetime]:
    weekday, clock = freeze.point("start")
    # An occurrence that started up to a week before `first` may still be running.
    day = first.date() - timedelta(days=7)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    starts = []
    while day <= last.date():
        starts.append(datetime.combine(day, clock))
        day += timedelta(days=7)
    return starts


def _monthly_starts(freeze: RecurringFreeze, first: datetime, last: datetime) -> list[datetime]:
    day_of_month, clock = freeze.point("start")
    year, month = _previous_month(first.year, first.month)
    starts = []
    while (year, month) <= (last.year, last.month):
        starts.append(datetime.combine(_clamped(year, month, day_of_month), clock))
        year, month = _next_month(year, month)
    return starts


def _end_after(freeze: RecurringFreeze, start: datetime) -> datetime:
    number, clock = freeze.point("end")
    if freeze.every == "week":
        day = start.date() + timedelta(days=(number - start.weekday()) % 7)
        end = datetime.combine(day, clock)
        return end if end > start else end + timedelta(days=7)
    end = datetime.combine(_clamped(start.year, start.month, number), clock)
    if end > start:
        return end
    year, month = _next_month(start.year, start.month)
    return datetime.combine(_clamped(year, month, number), clock)


def _clamped(year: int, month: int, day: int) -> date:
    """The day of the month, or the month's last day when it is shorter."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def describe_recurring(freeze: RecurringFreeze) -> str:
    """The period in the words of the form's readers, e.g. 每周 周五 18:00 至 周一 09:00."""
    if freeze.every == "week":
        names = "一二三四五六日"
        start_day, start_clock = freeze.point("start")
        end_day, end_clock = freeze.point("end")
        return (
            f"每周 周{names[start_day]} {start_clock:%H:%M} 至 周{names[end_day]} {end_clock:%H:%M}"
        )
    start_day, start_clock = freeze.point("start")
    end_day, end_clock = freeze.point("end")
    return f"每月 {start_day} 日 {start_clock:%H:%M} 至 {end_day} 日 {end_clock:%H:%M}"
