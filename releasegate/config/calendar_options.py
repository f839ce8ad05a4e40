"""The calendar half of `[releases]`: freezes that come back every week or month, and
public holidays (with the working weekends that replace them)."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKLY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun) ([01]\d|2[0-3]):([0-5]\d)$")
_MONTHLY = re.compile(r"^([1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):([0-5]\d)$")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RecurringFreeze(_Section):
    """No releases from `start` to `end` (local time), every week or every month.

    Weekly points are "fri 18:00"; monthly ones "28 18:00" (day of the month; in a
    shorter month, its last day). `end` is the first such point after `start`, so
    "fri 18:00" to "mon 09:00" spans the weekend and "28 00:00" to "3 09:00" the turn
    of the month."""

    every: Literal["week", "month"]
    start: str
    end: str
    reason: str = "例行封网"

    @model_validator(mode="after")
    def _points_match_the_period(self) -> RecurringFreeze:
        pattern, example = (
            (_WEEKLY, "fri 18:00") if self.every == "week" else (_MONTHLY, "28 18:00")
        )
        for name in ("start", "end"):
            if not pattern.match(getattr(self, name)):
                raise ValueError(f"{name} must look like {example!r} for every = {self.every!r}")
        if self.start == self.end:
            raise ValueError("start and end must differ")
        return self

    def point(self, which: Literal["start", "end"]) -> tuple[int, time]:
        """(weekday 0-6 or day of the month 1-31, clock time) of `start` or `end`."""
        day, clock = (self.start if which == "start" else self.end).split(" ")
        number = WEEKDAYS.index(day) if self.every == "week" else int(day)
        return number, time.fromisoformat(clock)


class ExtraHoliday(_Section):
    date: date
    name: str = "节假日"


class HolidayOptions(_Section):
    """`[releases.holidays]`: public holidays, and the working weekends (调休) that
    replace them, from a maintained calendar, plus days configured here."""

    # Freeze releases all day on a public holiday.
    freeze: bool = True
    # "CN": China's public holidays and working weekends from the chinesecalendar
    # package; "": only the days listed below.
    country: Literal["CN", ""] = "CN"
    # Holidays the package does not know yet (a year it has no data for) or the
    # company's own.
    extra_holidays: list[ExtraHoliday] = []
    # Working weekends (调休上班) the package does not know yet.
    extra_workdays: list[date] = []

    @field_validator("extra_workdays")
    @classmethod
    def _weekends_only(cls, value: list[date]) -> list[date]:
        weekdays = [str(day) for day in value if day.weekday() < 5]
        if weekdays:
            raise ValueError(f"{', '.join(weekdays)} is not a Saturday or Sunday")
        return value
