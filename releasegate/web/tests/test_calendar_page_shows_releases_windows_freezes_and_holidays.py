"""The calendar page: a week or a month of planned releases (each linked to its page),
release windows, one-off and recurring freezes, public holidays and working weekends,
in Chinese and in English. Dates are fixed: the holiday data is per year."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from releasegate.config import Freeze, HolidayOptions, RecurringFreeze, ReleaseWindow
from releasegate.releases.models import Release, ReleaseState
from releasegate.web.tests.records import stored_release

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def calendar_options(settings: Settings) -> None:
    releases = settings.CONFIG.options.releases.model_copy(
        update={
            "windows": [ReleaseWindow(start="10:00", end="18:00")],
            "freezes": [
                Freeze(
                    start=datetime(2026, 10, 12, 20),
                    end=datetime(2026, 10, 13, 8),
                    reason="机房割接",
                )
            ],
            "recurring_freezes": [
                RecurringFreeze(every="week", start="fri 18:00", end="mon 09:00", reason="周末封网")
            ],
            "holidays": HolidayOptions(),
        }
    )
    options = settings.CONFIG.options.model_copy(update={"releases": releases})
    settings.CONFIG = dataclasses.replace(settings.CONFIG, options=options)


@pytest.fixture
def planned() -> Release:
    release = stored_release(
        "inst-calendar",
        received_at=datetime(2026, 10, 8, 9, tzinfo=SHANGHAI),
        state=ReleaseState.SCHEDULED,
    )
    release.scheduled_for = datetime(2026, 10, 9, 10, 30, tzinfo=SHANGHAI)
    release.save()
    return release


def day(page: str, date: str) -> str:
    found = re.search(rf'data-date="{date}">(.*?)</td>', page, re.S)
    assert found is not None, date
    return found.group(1)


def test_the_month_shows_holidays_working_weekends_and_a_planned_release(
    signed_in: Client, planned: Release
) -> None:
    response = signed_in.get("/calendar/?view=month&date=2026-10-15")
    page = response.content.decode()

    assert response.status_code == 200
    assert re.findall(r'data-testid="calendar-day" data-date="([\d-]+)"', page)[:1] == [
        "2026-09-28"
    ]
    assert len(re.findall(r'data-testid="calendar-day"', page)) == 35
    assert "国庆节" in day(page, "2026-10-01")
    assert 'data-kind="holiday"' in day(page, "2026-10-01")
    # A frozen holiday opens no window, although it is a Thursday.
    assert "calendar-window" not in day(page, "2026-10-01")
    saturday = day(page, "2026-10-10")
    assert "调休上班" in saturday
    assert "窗口 10:00-18:00" in saturday
    assert "calendar-window" not in day(page, "2026-10-17")
    release_day = day(page, "2026-10-09")
    assert f'href="/releases/{planned.pk}/"' in release_day
    assert "10:30 mall/order-service" in release_day
    assert "待发布" in release_day or "已计划" in release_day


def test_the_week_shows_one_off_and_recurring_freezes(signed_in: Client) -> None:
    page = signed_in.get("/calendar/?view=week&date=2026-10-14").content.decode()

    assert re.findall(r'data-testid="calendar-day" data-date="([\d-]+)"', page) == [
        f"2026-10-{number}" for number in range(12, 19)
    ]
    assert "封网 20:00–24:00: 机房割接" in day(page, "2026-10-12")
    assert "封网 00:00–08:00: 机房割接" in day(page, "2026-10-13")
    assert "封网 18:00–24:00: 周末封网" in day(page, "2026-10-16")
    assert "封网 00:00–24:00: 周末封网" in day(page, "2026-10-17")
    assert 'href="?view=week&amp;date=2026-10-07"' in page
    assert 'href="?view=week&amp;date=2026-10-21"' in page


def test_it_reads_in_english(signed_in: Client, planned: Release) -> None:
    signed_in.cookies["django_language"] = "en"

    page = signed_in.get("/calendar/?view=month&date=2026-10-01").content.decode()

    assert "Release calendar" in page
    assert "National Day" in day(page, "2026-10-01")
    assert "Holiday freeze" in day(page, "2026-10-01")
    assert "Working weekend" in day(page, "2026-10-10")
    assert "Scheduled" in day(page, "2026-10-09")
    assert "Next month →" in page


def test_a_year_without_holiday_data_is_said_on_the_page(signed_in: Client) -> None:
    page = signed_in.get("/calendar/?view=week&date=2099-06-03").content.decode()

    said = re.findall(r'data-testid="calendar-unknown-year">(.*?)</p>', page, re.S)
    assert len(said) == 1
    assert "2099" in said[0]


def test_a_date_it_cannot_read_is_a_400_naming_the_parameter(signed_in: Client) -> None:
    response = signed_in.get("/calendar/?view=month&date=2026-13-45")

    assert response.status_code == 400
    assert "date: date must be YYYY-MM-DD" in response.content.decode()


def test_the_navigation_links_to_the_calendar(signed_in: Client) -> None:
    page = signed_in.get("/releases/").content.decode()

    assert re.search(r'href="/calendar/" data-testid="nav-calendar">发布日历<', page)
