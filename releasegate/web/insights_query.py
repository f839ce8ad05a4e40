"""The insights page's query: project, application and a date range, validated one by
one like the releases list's filters (a bad value is named in a message and left out;
the page still answers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from releasegate.releases.insights.dora import Scope
from releasegate.releases.insights.ranges import default_since, scope_of, too_long
from releasegate.web.scope_form import ScopeForm


class InsightsForm(ScopeForm):
    """The insights page's query: a project, an application and a date range."""


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
    since = data.get("since") or default_since(until)
    if since > until or too_long(since, until):
        problems.append(f"{form.fields['since'].label}: {range_problem(since, until)}")
        since = default_since(until)
    scope = scope_of(since, until, data.get("project") or "", data.get("application") or "")
    return ReadQuery(scope, form, problems)


def range_problem(since: date, until: date) -> str:
    if since > until:
        return str(_("is later than the end date."))
    return str(_("the range is longer than two years."))
