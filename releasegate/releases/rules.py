"""The one rule set: may a requested release run, with what, and when.

Every check of a request goes through `assess`: DingTalk's submit-time validation (表单
提交时验证), the new-release page and `POST /api/requests` before an approval is started,
and the engine when an approved release arrives (`engine.policies.judge`). So a form the
engine would reject is refused at submit time, with the same words, before anybody is
asked to approve it. (Only the self-approval rule is the engine's alone: who approved is
not known at submit time.)

Pure: the catalog, the form mapping, the options and the clock come in. The reasons are
written for the person who filled in the form: each is a `Refusal`, the chat platforms'
words (Chinese) as a string, in the page's or the API caller's language with `shown()`,
and naming the form field it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_noop

from releasegate.catalog.lookup import find_application, find_project
from releasegate.catalog.snapshot import CatalogApplication, CatalogSnapshot
from releasegate.config import FormMapping, ReleaseOptions
from releasegate.releases.form import RequestedRelease, UnreadableTime, parse_release_time
from releasegate.releases.parameters import check_parameters, requested_parameters
from releasegate.releases.refusals import (
    APPLICATION,
    DB_CHANGE,
    PROJECT,
    SENTENCE_SEPARATOR,
    Listing,
    Refusal,
)
from releasegate.releases.windows import closed_only, decide_release_time, next_opening

DB_CHANGE_PENDING = Refusal(
    gettext_noop(
        "There is a database change and it is not done yet: finish the database change "
        "first, then ask for the release"
    ),
    field=DB_CHANGE,
)
SELF_APPROVED = Refusal(
    gettext_noop("The person who asked cannot be the only approver of their own release")
)


@dataclass(frozen=True)
class Assessment:
    """What the rules say of a request."""

    # Every reason it may not run, in the order people should hear them; empty: it may.
    problems: tuple[Refusal, ...] = ()
    # The job it runs, when the catalog offers it.
    application: CatalogApplication | None = None
    # The request's parameters under the names the job declares.
    parameters: dict[str, str] = field(default_factory=dict)
    # When it runs (None: as soon as approved).
    run_at: datetime | None = None
    # Why it waits for `run_at` although asked for earlier (releases are closed then).
    held: Refusal | None = None

    @property
    def refusal(self) -> str | None:
        """The problems as one message, in the chat platforms' language (what DingTalk's
        form and the engine show)."""
        return Listing(self.problems, SENTENCE_SEPARATOR) or None


def assess(
    requested: RequestedRelease,
    catalog: CatalogSnapshot,
    mapping: FormMapping,
    options: ReleaseOptions,
    now: datetime,
    *,
    rollback: bool = False,
) -> Assessment:
    """Everything the rules say of `requested` at `now`; a `rollback` is judged by the
    options' rollback view of the freezes (`ReleaseOptions.for_rollback`)."""
    if rollback:
        options = options.for_rollback()
    problems: list[Refusal] = []
    application = _application(requested, catalog, problems)
    if requested.db_change_unreadable:
        problems.append(requested.db_change_unreadable)
    elif requested.has_db_change and not requested.db_change_done:
        problems.append(DB_CHANGE_PENDING)
    parameters: dict[str, str] = {}
    if application is not None:
        parameters = requested_parameters(requested, application, mapping)
        problems.extend(check_parameters(application, parameters))
    run_at, held, time_problem = _when(requested.release_time_text, options, now)
    if time_problem:
        problems.append(time_problem)
    return Assessment(tuple(problems), application, parameters, run_at, held)


def form_problems(
    requested: RequestedRelease,
    catalog: CatalogSnapshot,
    mapping: FormMapping,
    options: ReleaseOptions,
    now: datetime,
    *,
    rollback: bool = False,
) -> list[Refusal]:
    """Every reason the request cannot be released as filled in; empty when it can."""
    return list(assess(requested, catalog, mapping, options, now, rollback=rollback).problems)


def _application(
    requested: RequestedRelease, catalog: CatalogSnapshot, problems: list[Refusal]
) -> CatalogApplication | None:
    """The chosen application, or None with the reason appended."""
    if not requested.project:
        problems.append(Refusal(gettext_noop("Choose a project"), field=PROJECT))
        return None
    project = find_project(catalog, requested.project)
    if project is None:
        said = gettext_noop("Project %(project)s does not exist or is not open for releases")
        problems.append(Refusal(said, field=PROJECT, project=requested.project))
        return None
    if not requested.application:
        problems.append(Refusal(gettext_noop("Choose an application"), field=APPLICATION))
        return None
    application = find_application(catalog, requested.application, requested.project)
    if application is None:
        said = gettext_noop(
            "Application %(application)s is not in project %(project)s, or is not open for releases"
        )
        problems.append(
            Refusal(
                said,
                field=APPLICATION,
                application=requested.application,
                project=project.display_name,
            )
        )
    return application


def _when(
    text: str, options: ReleaseOptions, now: datetime
) -> tuple[datetime | None, Refusal | None, Refusal | None]:
    """(when it runs, why it is held until then, why it may not run at all)."""
    try:
        wanted = parse_release_time(text, options)
    except UnreadableTime as exc:
        return None, None, exc.refusal
    decision = decide_release_time(wanted, options, now)
    if decision.problem is None:
        return decision.run_at, None, None
    moment = wanted or now
    opening = next_opening(moment, options) if closed_only(moment, options, now) else None
    if options.hold_outside_window and opening is not None:
        return opening, decision.problem, None
    return None, None, decision.problem
