"""The releases list's filters: GET parameters, validated one by one.

A bad value never fails the page: it is named in a message and left out, and the other
filters still apply. People are found by their DingTalk user id or, through their
dashboard profile, by their login or name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from releasegate.releases.models import Release, ReleaseState
from releasegate.web.models import Profile
from releasegate.web.scope_form import ScopeForm

FILTER_NAMES = ("state", "project", "application", "person", "since", "until")
LISTED = (
    "state",
    "application_name",
    "originator_user_id",
    "approver_user_ids",
    "received_at",
    "scheduled_for",
    "build_number",
)


class ReleaseFilterForm(ScopeForm):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", "—"), *ReleaseState.choices]
    )
    person = forms.CharField(label=_("Person"), required=False, max_length=128)
    field_order = FILTER_NAMES


@dataclass
class AppliedFilters:
    releases: QuerySet[Release]
    form: ReleaseFilterForm
    # One line per filter left out, naming it.
    problems: list[str] = field(default_factory=list)


def apply_filters(params: QueryDict) -> AppliedFilters:
    """The releases the valid filters select, newest first, and why any were left out."""
    form = ReleaseFilterForm(params)
    form.is_valid()
    problems = [
        f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
    ]
    values = {name: form.cleaned_data.get(name) for name in FILTER_NAMES}
    since, until = values["since"], values["until"]
    if isinstance(since, date) and isinstance(until, date) and since > until:
        earlier = _("is earlier than the start date.")
        problems.append(f"{form.fields['until'].label}: {earlier}")
        values["until"] = None
    return AppliedFilters(_select(values), form, problems)


def _select(values: dict[str, object]) -> QuerySet[Release]:
    # Only what the table shows: the sort then carries small rows, not build logs.
    releases = Release.objects.only(*LISTED).order_by("-received_at", "-id")
    if values["state"]:
        releases = releases.filter(state=values["state"])
    if values["project"]:
        releases = releases.filter(project_key=values["project"])
    if isinstance(values["application"], str) and values["application"]:
        releases = releases.filter(application_name__icontains=values["application"])
    if isinstance(values["person"], str) and values["person"].strip():
        releases = releases.alias(approvers_text=Cast("approver_user_ids", TextField()))
        releases = releases.filter(_involving(values["person"].strip()))
    if isinstance(values["since"], date):
        releases = releases.filter(received_at__gte=_start_of(values["since"]))
    if isinstance(values["until"], date):
        releases = releases.filter(received_at__lt=_start_of(values["until"] + timedelta(days=1)))
    return releases


def person_ids(text: str) -> set[str]:
    """The platform user ids `text` may stand for: itself, and the DingTalk and Feishu ids
    and logins (ReleaseGate's own approvals) of the users whose login is `text` or whose
    name contains it."""
    named = User.objects.filter(
        Q(username__iexact=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text)
    )
    ids = {text, *named.values_list("username", flat=True)}
    for dingtalk_id, feishu_id in Profile.objects.filter(user__in=named).values_list(
        "dingtalk_user_id", "feishu_user_id"
    ):
        ids |= {dingtalk_id, feishu_id}
    return ids - {""}


def _involving(text: str) -> Q:
    """Releases the person originated or approved, on a query with `approvers_text`. A
    plain condition, not a subquery of ids: read newest first, a page stops at its last
    row instead of reading every release.

    On PostgreSQL the approvers are matched by JSON containment, which an index answers
    (a person in no release is found at once, not by reading all of them). SQLite has no
    JSON containment: there the list is matched as text, in both spellings of a
    non-ASCII id (SQLite stores it escaped)."""
    containment = connection.vendor == "postgresql"
    query = Q()
    for user_id in person_ids(text):
        query |= Q(originator_user_id=user_id)
        if containment:
            query |= Q(approver_user_ids__contains=[user_id])
            continue
        for quoted in {json.dumps(user_id), json.dumps(user_id, ensure_ascii=False)}:
            query |= Q(approvers_text__contains=quoted)
    return query


def _start_of(day: date) -> datetime:
    """Midnight starting `day`, in the dashboard's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))
