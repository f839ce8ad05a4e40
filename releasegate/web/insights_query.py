"""The insights page's query: project, application and a date range, validated one by
one like the releases list's filters (a bad value is named in a message and left out;
the page still answers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from releasegate.releases.insights.dora import Scope

# What the page shows when no range is asked for: the last twelve weeks.
DEFAULT_DAYS = 12 * 7
# Two years of weeks still draw as readable bars; longer ranges are refused.
MOST_DAYS = 2 * 366


class InsightsForm(forms.Form):
    project = forms.CharField(label=_("Project"), required=False, max_length=255)
    application = forms.CharField(label=_("Application"), required=False, max_length=1000)
    since = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@dataclass
class ReadQuery:
    scope: Scope
    form: InsightsForm
    # One line per value left out, naming its field.
    problems: list[str] = field(default_factory=list)


def read_query(params: QueryDict, today: date) -> ReadQuery:
    """The scope the valid values ask for (both dates included), the last twelve weeks
    up to `today` by default."""
    form = InsightsForm(params)
    form.is_valid()
    problems = [
        f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
    ]
    data = form.cleaned_data
    until = data.get("until") or today
    since = data.get("since") or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until or (until - since).days >= MOST_DAYS:
        problems.append(f"{form.fields['since'].label}: {range_problem(since, until)}")
        since = until - timedelta(days=DEFAULT_DAYS - 1)
    scope = scope_of(since, until, data.get("project") or "", data.get("application") or "")
    return ReadQuery(scope, form, problems)


def range_problem(since: date, until: date) -> str:
    if since > until:
        return str(_("is later than the end date."))
    return str(_("the range is longer than two years."))


def scope_of(since: date, until: date, project: str, application: str) -> Scope:
    """From midnight starting `since` to midnight ending `until`, in the dashboard's
    time zone."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
    return Scope(since=start, until=end, project=project, application=application)
