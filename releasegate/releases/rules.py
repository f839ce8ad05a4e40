"""The one rule set: may a requested release run, with what, and when.

Every check of a request goes through `assess`: DingTalk's submit-time validation (表单
提交时验证), the new-release page and `POST /api/requests` before an approval is started,
and the engine when an approved release arrives (`engine.policies.judge`). So a form the
engine would reject is refused at submit time, with the same words, before anybody is
asked to approve it. (Only the self-approval rule is the engine's alone: who approved is
not known at submit time.)

Pure: the catalog, the form mapping, the options and the clock come in. The reasons are
written for the person who filled in the form, in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from releasegate.catalog.lookup import find_application, find_project
from releasegate.catalog.snapshot import CatalogApplication, CatalogSnapshot
from releasegate.config import FormMapping, ReleaseOptions
from releasegate.releases.form import RequestedRelease, UnreadableTime, parse_release_time
from releasegate.releases.parameters import check_parameters, requested_parameters
from releasegate.releases.windows import closed_only, decide_release_time, next_opening

DB_CHANGE_PENDING = "有数据库变更且尚未完成：请先完成数据库变更，再提交发布申请"
SELF_APPROVED = "申请人不能是自己发布的唯一审批人"


@dataclass(frozen=True)
class Assessment:
    """What the rules say of a request."""

    # Every reason it may not run, in the order people should hear them; empty: it may.
    problems: tuple[str, ...] = ()
    # The job it runs, when the catalog offers it.
    application: CatalogApplication | None = None
    # The request's parameters under the names the job declares.
    parameters: dict[str, str] = field(default_factory=dict)
    # When it runs (None: as soon as approved).
    run_at: datetime | None = None
    # Why it waits for `run_at` although asked for earlier (releases are closed then).
    held: str | None = None

    @property
    def refusal(self) -> str | None:
        """The problems as one message (what DingTalk's form and the engine show)."""
        return "；".join(self.problems) or None


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
    problems: list[str] = []
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
) -> list[str]:
    """Every reason the request cannot be released as filled in; empty when it can."""
    return list(assess(requested, catalog, mapping, options, now, rollback=rollback).problems)


def _application(
    requested: RequestedRelease, catalog: CatalogSnapshot, problems: list[str]
) -> CatalogApplication | None:
    """The chosen application, or None with the reason appended."""
    if not requested.project:
        problems.append("请选择项目")
        return None
    project = find_project(catalog, requested.project)
    if project is None:
        problems.append(f"项目 {requested.project} 不存在或未开放发布")
        return None
    if not requested.application:
        problems.append("请选择应用")
        return None
    application = find_application(catalog, requested.application, requested.project)
    if application is None:
        problems.append(
            f"应用 {requested.application} 不在项目 {project.display_name} 中，或未开放发布"
        )
    return application


def _when(
    text: str, options: ReleaseOptions, now: datetime
) -> tuple[datetime | None, str | None, str | None]:
    """(when it runs, why it is held until then, why it may not run at all)."""
    try:
        wanted = parse_release_time(text, options)
    except UnreadableTime as exc:
        return None, None, str(exc)
    decision = decide_release_time(wanted, options, now)
    if decision.problem is None:
        return decision.run_at, None, None
    moment = wanted or now
    opening = next_opening(moment, options) if closed_only(moment, options, now) else None
    if options.hold_outside_window and opening is not None:
        return opening, decision.problem, None
    return None, None, decision.problem
