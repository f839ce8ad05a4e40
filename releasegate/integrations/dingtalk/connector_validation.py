"""The submit-time check of the approval form (表单提交时验证): everything that would
stop the release later, said before anybody is asked to approve it.

Pure: the catalog, the options and the clock come in, so the release engine's own checks
and this one can be compared in tests.
"""

from __future__ import annotations

from datetime import datetime

from releasegate.catalog.lookup import find_application, find_project
from releasegate.catalog.snapshot import CatalogApplication, CatalogSnapshot
from releasegate.config import FormMapping, ReleaseOptions
from releasegate.releases.engine.policies import DB_CHANGE_PENDING
from releasegate.releases.form import RequestedRelease, UnreadableTime, parse_release_time
from releasegate.releases.parameters import check_parameters, requested_parameters
from releasegate.releases.windows import decide_release_time

__all__ = ["DB_CHANGE_PENDING", "form_problems"]


def form_problems(
    requested: RequestedRelease,
    catalog: CatalogSnapshot,
    mapping: FormMapping,
    options: ReleaseOptions,
    now: datetime,
) -> list[str]:
    """Every reason the request cannot be released as filled in; empty when it can."""
    problems: list[str] = []
    application = _application(requested, catalog, problems)
    if application is not None:
        parameters = requested_parameters(requested, application, mapping)
        problems.extend(check_parameters(application, parameters))
    if requested.db_change_unreadable:
        problems.append(requested.db_change_unreadable)
    elif requested.has_db_change and not requested.db_change_done:
        problems.append(DB_CHANGE_PENDING)
    problems.extend(_time_problems(requested.release_time_text, options, now))
    return problems


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


def _time_problems(text: str, options: ReleaseOptions, now: datetime) -> list[str]:
    try:
        wanted = parse_release_time(text, options)
    except UnreadableTime as exc:
        return [str(exc)]
    decision = decide_release_time(wanted, options, now)
    return [decision.problem] if decision.problem else []
