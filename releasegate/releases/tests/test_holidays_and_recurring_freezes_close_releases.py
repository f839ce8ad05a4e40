"""Public holidays freeze releases (China's from the chinesecalendar package), the
working weekends that replace them open the weekday windows, and freezes come back every
week or month. Every date is fixed: the holiday data is per year, and the suite also
runs with the clock 400 days ahead."""

from __future__ import annotations

from datetime import date, datetime

from releasegate.config import (
    ExtraHoliday,
    HolidayOptions,
    RecurringFreeze,
    ReleaseOptions,
    ReleaseWindow,
)
from releasegate.releases.holidays import holiday_day, unknown_years
from releasegate.releases.windows import closed_at, decide_release_time, next_opening

OPTIONS = ReleaseOptions(windows=[ReleaseWindow(start="10:00", end="18:00")])
HOLIDAYS = OPTIONS.model_copy(update={"holidays": HolidayOptions()})
ZONE = OPTIONS.zone


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def test_it_refuses_national_day_naming_the_holiday() -> None:
    problem = closed_at(at(2026, 10, 1, 11, 0), HOLIDAYS)

    assert problem == "2026-10-01 是法定节假日（国庆节），节假日封网，不能发布"


def test_without_the_holiday_freeze_national_day_is_an_ordinary_thursday() -> None:
    shown_only = OPTIONS.model_copy(update={"holidays": HolidayOptions(freeze=False)})

    assert closed_at(at(2026, 10, 1, 11, 0), shown_only) is None
    assert closed_at(at(2026, 10, 1, 11, 0), OPTIONS) is None


def test_the_working_weekends_of_2026_open_the_weekday_windows() -> None:
    # Sunday 2026-09-20 and Saturday 2026-10-10 are worked for National Day.
    for working in (at(2026, 9, 20, 11, 0), at(2026, 10, 10, 11, 0)):
        assert closed_at(working, HOLIDAYS) is None
        assert "不在发布窗口内" in (closed_at(working, OPTIONS) or "")
    assert "不在发布窗口内" in (closed_at(at(2026, 10, 17, 11, 0), HOLIDAYS) or "")


def test_a_working_weekend_leaves_a_window_of_some_weekdays_closed() -> None:
    tuesdays = HOLIDAYS.model_copy(update={"windows": [ReleaseWindow(days=["tue"])]})

    assert closed_at(at(2026, 10, 10, 11, 0), tuesdays) is not None


def test_a_release_asked_for_the_holiday_is_refused_or_held_to_its_end() -> None:
    now = at(2026, 9, 29, 11, 0)

    decision = decide_release_time(at(2026, 10, 2, 11, 0), HOLIDAYS, now)

    assert "国庆节" in (decision.problem or "")
    assert next_opening(at(2026, 10, 2, 11, 0), HOLIDAYS) == at(2026, 10, 8, 10, 0)


def test_a_year_without_data_is_ordinary_unless_configured() -> None:
    configured = HolidayOptions(
        extra_holidays=[ExtraHoliday(date=date(2099, 1, 1), name="元旦")],
        extra_workdays=[date(2099, 1, 3)],
    )
    options = OPTIONS.model_copy(update={"holidays": configured})

    assert holiday_day(date(2099, 1, 2), HolidayOptions()).known is False
    assert closed_at(at(2099, 1, 2, 11, 0), HOLIDAYS) is None
    assert closed_at(at(2099, 1, 1, 11, 0), options) == (
        "2099-01-01 是法定节假日（元旦），节假日封网，不能发布"
    )
    assert closed_at(at(2099, 1, 3, 11, 0), options) is None


def test_the_years_without_data_are_named_for_the_check() -> None:
    configured = HolidayOptions(extra_holidays=[ExtraHoliday(date=date(2099, 1, 1))])

    assert unknown_years(HolidayOptions(), date(2098, 12, 20), date(2099, 1, 10)) == [2098, 2099]
    assert unknown_years(configured, date(2098, 12, 20), date(2099, 1, 10)) == [2098]
    assert unknown_years(HolidayOptions(), date(2026, 9, 1), date(2026, 10, 31)) == []
    assert unknown_years(None, date(2098, 12, 20), date(2099, 1, 10)) == []


def test_a_weekly_freeze_closes_every_weekend() -> None:
    weekend = RecurringFreeze(every="week", start="fri 18:00", end="mon 09:00", reason="周末封网")
    options = ReleaseOptions(recurring_freezes=[weekend])

    assert closed_at(at(2026, 11, 27, 17, 59), options) is None
    assert closed_at(at(2026, 11, 27, 18, 0), options) == (
        "2026-11-27 18:00 处于例行封网期：周末封网（每周 周五 18:00 至 周一 09:00）"
    )
    assert closed_at(at(2026, 11, 30, 8, 59), options) is not None
    assert closed_at(at(2026, 11, 30, 9, 0), options) is None
    assert next_opening(at(2026, 11, 28, 12, 0), options) == at(2026, 11, 30, 9, 0)


def test_a_monthly_freeze_spans_the_turn_of_the_month_and_short_months() -> None:
    month_end = RecurringFreeze(every="month", start="31 18:00", end="2 09:00", reason="月结")
    options = ReleaseOptions(recurring_freezes=[month_end])

    assert closed_at(at(2026, 11, 30, 17, 0), options) is None
    assert "月结" in (closed_at(at(2026, 11, 30, 19, 0), options) or "")
    assert closed_at(at(2026, 12, 2, 8, 0), options) is not None
    assert closed_at(at(2026, 12, 2, 9, 0), options) is None
    assert closed_at(at(2026, 2, 28, 20, 0), options) is not None
