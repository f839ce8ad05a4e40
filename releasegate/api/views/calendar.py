"""`GET /api/calendar`: the days of a week or a month with the releases planned on them,
the windows, the freezes, public holidays and working weekends (what `/calendar/`
shows)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from releasegate.releases.holidays import unknown_years
from releasegate.releases.release_calendar import CalendarDay, build_calendar, span_of


class CalendarQuery(serializers.Serializer):  # type: ignore[type-arg]
    view = serializers.ChoiceField(
        choices=["week", "month"],
        required=False,
        default="month",
        help_text="week: Monday to Sunday; month: the whole weeks that cover the month",
    )
    date = serializers.DateField(
        required=False, help_text="a day of the week or month to show (default: today)"
    )

    def validate_date(self, value: dt.date) -> dt.date:
        # The first and last weeks of the calendar must stay within datetime's years.
        if not 1 < value.year < 9999:
            raise serializers.ValidationError("must be between the years 2 and 9998")
        return value


class FreezeShown(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=["one-off", "recurring", "holiday"])
    reason = serializers.CharField(help_text="the freeze's reason, or the holiday's name")
    start = serializers.CharField(help_text="local time HH:MM within the day")
    end = serializers.CharField(help_text="local time HH:MM, 24:00 for the day's end")


class PlannedShown(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    application = serializers.CharField()
    state = serializers.CharField()
    at = serializers.DateTimeField(help_text="planned for (or, run at once, triggered at)")


class DayShown(serializers.Serializer):  # type: ignore[type-arg]
    date = serializers.DateField()
    in_focus = serializers.BooleanField(help_text="inside the month asked for")
    holiday = serializers.CharField(allow_null=True, help_text="the holiday's Chinese name")
    holiday_english = serializers.CharField(allow_null=True)
    working_weekend = serializers.BooleanField(help_text="a weekend worked (调休上班)")
    holiday_data_known = serializers.BooleanField()
    windows = serializers.ListField(child=serializers.CharField(), help_text='"10:00-18:00"')
    freezes = FreezeShown(many=True)
    releases = PlannedShown(many=True)


class CalendarShown(serializers.Serializer):  # type: ignore[type-arg]
    view = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    timezone = serializers.CharField()
    unknown_years = serializers.ListField(
        child=serializers.IntegerField(), help_text="years the holiday data has nothing for"
    )
    days = DayShown(many=True)


class Calendar(APIView):
    @extend_schema(parameters=[CalendarQuery], responses=CalendarShown)
    def get(self, request: Request) -> Response:
        """The days of a week or a month: planned releases, windows, freezes, holidays."""
        query = CalendarQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = settings.CONFIG.options.releases
        wanted: dict[str, Any] = query.validated_data
        anchor = wanted.get("date") or dt.datetime.now(options.zone).date()
        first, last = span_of(wanted["view"], anchor)
        days = build_calendar(wanted["view"], anchor, options)
        return Response(
            {
                "view": wanted["view"],
                "start": first,
                "end": last,
                "timezone": options.timezone,
                "unknown_years": unknown_years(options.holidays, first, last),
                "days": [_day(day) for day in days],
            }
        )


def _day(day: CalendarDay) -> dict[str, Any]:
    shown = dataclasses.asdict(day)
    shown["date"] = shown.pop("day")
    for release in shown["releases"]:
        release.pop("state_label")
    return shown
