"""The release calendar page: a week or a month of planned releases, release windows,
freezes, public holidays and working weekends, with links to the weeks or months around
it."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from releasegate.releases.holidays import unknown_years
from releasegate.releases.release_calendar import (
    UnreadableQuery,
    build_calendar,
    neighbours,
    read_query,
    span_of,
)


@login_required
def show(request: HttpRequest) -> HttpResponse:
    options = settings.CONFIG.options.releases
    today = datetime.now(options.zone).date()
    problem, status = "", 200
    try:
        view, anchor = read_query(request.GET.get("view"), request.GET.get("date"), today)
    except UnreadableQuery as exc:
        problem, status = f"{exc.field}: {exc}", 400
        view, anchor = "month", today
    first, last = span_of(view, anchor)
    previous, following = neighbours(view, anchor)
    days = build_calendar(view, anchor, options)
    context = {
        "view": view,
        "anchor": anchor,
        "today": today,
        "previous": previous,
        "following": following,
        "first": first,
        "last": last,
        "weeks": [days[start : start + 7] for start in range(0, len(days), 7)],
        "problem": problem,
        "unknown_years": unknown_years(options.holidays, first, last),
        "has_windows": bool(options.windows),
        "zone": options.timezone,
        "weekday_names": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
    }
    return render(request, "web/calendar.html", context, status=status)
