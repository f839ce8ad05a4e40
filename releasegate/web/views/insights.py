"""Release insights: the four DORA keys and the approval lead time of a project or an
application over a range, with weekly charts, and the same weeks as CSV."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from releasegate.catalog.models import Project
from releasegate.releases.insights.dora import Insights, insights
from releasegate.releases.insights.ranges import last_day
from releasegate.web.charts import BarChart, Series, bar_chart
from releasegate.web.insights_query import read_query
from releasegate.web.templatetags.figures import duration_unit

CSV_COLUMNS = (
    "week_start",
    "releases_ended",
    "deployments",
    "change_failures",
    "change_failure_rate",
    "time_to_restore_median_s",
    "lead_time_for_changes_median_s",
    "asked_to_approved_median_s",
    "approved_to_triggered_median_s",
)


@login_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    read = read_query(request.GET, timezone.localdate())
    result = insights(read.scope)
    context = {
        "form": read.form,
        "problems": read.problems,
        "insights": result,
        "total": result.total,
        "first_day": result.weeks[0].start if result.weeks else None,
        "last_day": last_day(read.scope.until),
        "charts": charts(result),
        "query": request.GET.urlencode(),
        "projects": _projects(read.scope.project),
    }
    return render(request, "web/insights.html", context)


def _projects(chosen: str) -> list[tuple[str, str]]:
    """(key, name) of the catalog's projects, and the chosen one even when the catalog
    no longer has it: its releases still count, and the menu must say what is shown."""
    listed = list(
        Project.objects.filter(present=True).order_by("key").values_list("key", "display_name")
    )
    if chosen and chosen not in {key for key, _name in listed}:
        listed.insert(0, (chosen, chosen))
    return listed


@login_required
@require_GET
def weeks_csv(request: HttpRequest) -> HttpResponse:
    """One row per week; durations in seconds, empty when nothing was measured. The
    range asked for is in the file's name, so saved exports do not overwrite each other."""
    scope = read_query(request.GET, timezone.localdate()).scope
    result = insights(scope)
    first = timezone.localtime(scope.since).date()
    last = last_day(scope.until)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"releasegate-insights-{first.isoformat()}-{last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for week in result.weeks:
        f = week.figures
        rate = f.change_failure_rate
        durations = (
            f.time_to_restore,
            f.lead_time_for_changes,
            f.asked_to_approved,
            f.approved_to_triggered,
        )
        writer.writerow(
            [
                week.start.isoformat(),
                f.ended,
                f.deployments,
                f.failures,
                "" if rate is None else f"{rate:.4f}",
                *("" if seconds is None else f"{seconds:.0f}" for seconds in durations),
            ]
        )
    return response


def charts(result: Insights) -> list[BarChart]:
    weeks = [week.start for week in result.weeks]
    figures = [week.figures for week in result.weeks]
    rates = [
        None if f.change_failure_rate is None else f.change_failure_rate * 100 for f in figures
    ]
    drawn = [
        bar_chart(
            "deployments",
            _("Deployments and change failures per week"),
            "",
            weeks,
            [
                Series(_("Deployments"), [f.deployments for f in figures]),
                Series(_("Change failures"), [f.failures for f in figures]),
            ],
        ),
        bar_chart(
            "failure-rate",
            _("Change failure rate per week"),
            "%",
            weeks,
            [Series(_("Change failure rate"), rates)],
            shown="{value:.0f}",
        ),
        _durations(
            "restore",
            _("Time to restore (median) per week"),
            weeks,
            [(_("Time to restore"), [f.time_to_restore for f in figures])],
        ),
        _durations(
            "approval",
            _("Approval lead time (median) per week"),
            weeks,
            [
                (_("Asked → approved"), [f.asked_to_approved for f in figures]),
                (_("Approved → triggered"), [f.approved_to_triggered for f in figures]),
            ],
        ),
    ]
    if result.total.commit_times_known:
        lead = [f.lead_time_for_changes for f in figures]
        title = _("Lead time for changes (median) per week")
        drawn.insert(3, _durations("lead-time", title, weeks, [(_("Lead time for changes"), lead)]))
    return drawn


def _durations(
    chart_id: str,
    title: str,
    weeks: list[date],
    series: list[tuple[str, list[float | None]]],
) -> BarChart:
    """Durations drawn in the unit that suits the longest of them."""
    longest = max((s for __, values in series for s in values if s is not None), default=0.0)
    divisor, unit = duration_unit(longest)
    scaled = [
        Series(name, [None if s is None else s / divisor for s in values])
        for name, values in series
    ]
    return bar_chart(chart_id, title, unit, weeks, scaled, shown="{value:.1f}")
