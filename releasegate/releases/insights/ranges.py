"""The ranges insights are asked for: whole days in the dashboard's time zone, the last
twelve weeks by default, at most two years (the page and the API share these rules)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from releasegate.releases.insights.dora import Scope

DEFAULT_DAYS = 12 * 7
# Two years of weeks still draw as readable bars and answer quickly.
MOST_DAYS = 2 * 366


def default_since(until: date) -> date:
    return until - timedelta(days=DEFAULT_DAYS - 1)


def too_long(since: date, until: date) -> bool:
    return (until - since).days >= MOST_DAYS


def scope_of(since: date, until: date, project: str = "", application: str = "") -> Scope:
    """From midnight starting `since` to midnight ending `until`, in the dashboard's
    time zone."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
    return Scope(since=start, until=end, project=project, application=application)


def last_day(until: datetime) -> date:
    """The last day a range ending (excluded) at `until` includes."""
    return timezone.localtime(until - timedelta(microseconds=1)).date()
