"""Which days are public holidays and which weekends are working days (调休).

China's come from the chinesecalendar package, which is updated once a year after the
State Council publishes the next year's arrangement; for a year it has no data for it
raises NotImplementedError. Such a day is then an ordinary day unless
`[releases.holidays]` lists it (`extra_holidays`, `extra_workdays`), and
`releasegate check` warns about the unknown years within the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import chinese_calendar

from releasegate.config import HolidayOptions


@dataclass(frozen=True)
class HolidayDay:
    """What the holiday calendar says of one day."""

    # The holiday's Chinese name on a public holiday (an ordinary weekend has none).
    holiday: str | None = None
    # Its English name where the data source has one.
    english: str | None = None
    # A Saturday or Sunday that is a working day, replacing a holiday.
    working_weekend: bool = False
    # False when the data source has no data for the day's year (only extras apply).
    known: bool = True


@cache
def _chinese_names() -> dict[str, str]:
    return {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def _from_library(day: date) -> HolidayDay:
    try:
        off, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return HolidayDay(known=False)
    if off and name:
        return HolidayDay(holiday=_chinese_names().get(name, name), english=name)
    return HolidayDay(working_weekend=not off and day.weekday() >= 5)


def holiday_day(day: date, options: HolidayOptions | None) -> HolidayDay:
    """The day as the configured calendar sees it; the configured extras win."""
    if options is None:
        return HolidayDay()
    found = _from_library(day) if options.country == "CN" else HolidayDay()
    for extra in options.extra_holidays:
        if extra.date == day:
            return HolidayDay(holiday=extra.name, known=found.known)
    if day in options.extra_workdays:
        return HolidayDay(working_weekend=True, known=found.known)
    return found


def unknown_years(options: HolidayOptions | None, first: date, last: date) -> list[int]:
    """The years between `first` and `last` the holiday data has nothing for, and for
    which no extra holiday is configured either."""
    if options is None or options.country != "CN":
        return []
    configured = {extra.date.year for extra in options.extra_holidays}
    years = sorted({first.year + offset for offset in range(last.year - first.year + 1)})
    return [
        year
        for year in years
        if year not in configured and not _from_library(max(first, date(year, 1, 1))).known
    ]


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
