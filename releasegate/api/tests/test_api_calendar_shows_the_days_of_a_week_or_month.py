"""`GET /api/calendar`: the days of a week or a month with planned releases, windows,
freezes, public holidays and working weekends. Dates are fixed: the holiday data is per
year."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from releasegate.config import HolidayOptions, RecurringFreeze, ReleaseWindow
from releasegate.releases.models import ReleaseState
from releasegate.web.tests.records import stored_release

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def calendar_options(settings: Settings) -> None:
    weekend = RecurringFreeze(every="week", start="fri 18:00", end="mon 09:00", reason="周末封网")
    releases = settings.CONFIG.options.releases.model_copy(
        update={
            "windows": [ReleaseWindow(start="10:00", end="18:00")],
            "recurring_freezes": [weekend],
            "holidays": HolidayOptions(),
        }
    )
    options = settings.CONFIG.options.model_copy(update={"releases": releases})
    settings.CONFIG = dataclasses.replace(settings.CONFIG, options=options)


def by_date(calendar: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {day["date"]: day for day in calendar["days"]}


def test_a_week_lists_its_days_with_holidays_and_working_weekends(api: APIClient) -> None:
    response = api.get("/api/calendar", {"view": "week", "date": "2026-10-08"})

    assert response.status_code == 200
    calendar = response.json()
    assert (calendar["view"], calendar["start"], calendar["end"]) == (
        "week",
        "2026-10-05",
        "2026-10-11",
    )
    assert calendar["timezone"] == "Asia/Shanghai"
    days = by_date(calendar)
    assert list(days) == [f"2026-10-{number:02}" for number in range(5, 12)]
    national = days["2026-10-06"]
    assert (national["holiday"], national["holiday_english"]) == ("国庆节", "National Day")
    assert national["freezes"] == [
        {"kind": "holiday", "reason": "国庆节", "start": "00:00", "end": "24:00"}
    ]
    assert national["windows"] == []
    assert days["2026-10-08"]["windows"] == ["10:00-18:00"]
    saturday = days["2026-10-10"]
    assert (saturday["working_weekend"], saturday["windows"]) == (True, ["10:00-18:00"])
    assert saturday["freezes"] == [
        {"kind": "recurring", "reason": "周末封网", "start": "00:00", "end": "24:00"}
    ]


def test_a_month_carries_its_planned_releases(api: APIClient) -> None:
    release = stored_release(
        "inst-api-calendar",
        received_at=datetime(2026, 10, 8, 9, tzinfo=SHANGHAI),
        state=ReleaseState.SCHEDULED,
    )
    release.scheduled_for = datetime(2026, 10, 9, 10, 30, tzinfo=SHANGHAI)
    release.save()

    calendar = api.get("/api/calendar", {"date": "2026-10-20"}).json()

    assert (calendar["view"], calendar["start"], calendar["end"]) == (
        "month",
        "2026-09-28",
        "2026-11-01",
    )
    days = by_date(calendar)
    assert days["2026-09-28"]["in_focus"] is False
    assert days["2026-10-09"]["releases"] == [
        {
            "id": release.pk,
            "application": "mall/order-service",
            "state": "SCHEDULED",
            "at": "2026-10-09T10:30:00+08:00",
        }
    ]


def test_a_year_without_holiday_data_is_named(api: APIClient) -> None:
    calendar = api.get("/api/calendar", {"view": "week", "date": "2099-06-03"}).json()

    assert calendar["unknown_years"] == [2099]
    assert {day["holiday_data_known"] for day in calendar["days"]} == {False}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"view": "year"}, "view"),
        ({"date": "2026-13-45"}, "date"),
        ({"date": "0001-01-01"}, "date"),
        ({"date": "9999-12-31"}, "date"),
    ],
)
def test_a_query_it_cannot_read_is_a_400_naming_the_field(
    api: APIClient, query: dict[str, str], field: str
) -> None:
    response = api.get("/api/calendar", query)

    assert response.status_code == 400
    assert list(response.json()) == [field]
