"""The policies: may this release run, with what, and when.

Checked when a release is received and again when it fires (the catalog, the windows and
the approval may have changed in between). Pure: the catalog, the options and the clock
come in; the reasons are written for the people who asked (Chinese).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from releasegate.catalog.snapshot import CatalogApplication, CatalogSnapshot
from releasegate.config import ReleaseOptions
from releasegate.releases.models import Release
from releasegate.releases.parameters import check_parameters
from releasegate.releases.windows import closed_at, decide_release_time

DB_CHANGE_PENDING = "有数据库变更且尚未完成：请先完成数据库变更，再提交发布申请"
SELF_APPROVED = "申请人不能是自己发布的唯一审批人"


@dataclass(frozen=True)
class Verdict:
    """Refused (`reason`), or allowed to run at `run_at` (None: now) with `parameters`."""

    reason: str | None = None
    run_at: datetime | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    # Set when the release was held to the next window rather than refused.
    held: str | None = None


def judge(
    release: Release, catalog: CatalogSnapshot, options: ReleaseOptions, now: datetime
) -> Verdict:
    """Everything a received release must pass, in the order people should hear it."""
    application = catalog.applications_by_name.get(release.application_name)
    if application is None:
        return Verdict(f"应用 {release.application_name} 不存在、已停用或未开放发布")
    if release.has_db_change and not release.db_change_done:
        return Verdict(DB_CHANGE_PENDING)
    if options.forbid_self_approval and self_approved(release):
        return Verdict(SELF_APPROVED)
    problems = check_parameters(application, release.requested_parameters)
    if problems:
        return Verdict("；".join(problems))
    if release.requested_time is None and release.requested_time_text:
        return Verdict(f"发布时间 {release.requested_time_text!r} 无法识别")
    decision = decide_release_time(release.requested_time, options, now)
    parameters = approved_parameters(application, release, options)
    if decision.problem is None:
        return Verdict(run_at=decision.run_at, parameters=parameters)
    wanted = release.requested_time or now
    opening = next_opening(wanted, options) if _closed_only(wanted, options, now) else None
    if options.hold_outside_window and opening is not None:
        return Verdict(run_at=opening, parameters=parameters, held=decision.problem)
    return Verdict(decision.problem)


def self_approved(release: Release) -> bool:
    """The originator approved their own release and nobody else did."""
    others = [user for user in release.approver_user_ids if user != release.originator_user_id]
    return bool(release.approver_user_ids) and not others


def approved_parameters(
    application: CatalogApplication, release: Release, options: ReleaseOptions
) -> dict[str, str]:
    """Every parameter the build will get, frozen at approval: the requested value or the
    job's declared default (sent explicitly, so the build record shows what ran). A
    password's hidden default is left to Jenkins; the release id goes into the job's
    `release_id_parameter` where it declares one."""
    given = release.requested_parameters
    values: dict[str, str] = {}
    for parameter in application.parameters:
        if parameter.name == options.release_id_parameter:
            values[parameter.name] = str(release.pk)
        elif given.get(parameter.name) not in (None, ""):
            values[parameter.name] = str(given[parameter.name])
        elif parameter.default is not None:
            values[parameter.name] = _text(parameter.default)
    return values


def parameters_hash(job: str, parameters: dict[str, str]) -> str:
    canonical = json.dumps(
        {"job": job, "parameters": parameters}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def recheck(
    release: Release, catalog: CatalogSnapshot, options: ReleaseOptions, now: datetime
) -> Verdict:
    """The checks again at firing time: still offered, the frozen parameters unchanged and
    still valid for the job, releases open now. `run_at` is a later opening when the
    release is held."""
    application = catalog.applications_by_name.get(release.job_full_name)
    if application is None:
        return Verdict(f"应用 {release.job_full_name} 已不存在、已停用或未开放发布")
    if (
        parameters_hash(release.job_full_name, release.approved_parameters)
        != release.parameters_hash
    ):
        return Verdict("审批后的参数被改动，拒绝发布")
    problems = check_parameters(application, release.approved_parameters)
    if problems:
        return Verdict("Jenkins 任务的参数定义已变化：" + "；".join(problems))
    closed = closed_at(now, options)
    if closed is None:
        return Verdict(parameters=release.approved_parameters)
    opening = next_opening(now, options)
    if options.hold_outside_window and opening is not None:
        return Verdict(run_at=opening, parameters=release.approved_parameters, held=closed)
    return Verdict(closed)


def _closed_only(wanted: datetime, options: ReleaseOptions, now: datetime) -> bool:
    """Whether the only thing wrong with the time is that releases are closed then
    (rather than the time being in the past or beyond the horizon)."""
    return (
        wanted >= now - timedelta(minutes=options.past_tolerance_minutes)
        and wanted <= now + timedelta(days=options.horizon_days)
        and closed_at(wanted, options) is not None
    )


def next_opening(after: datetime, options: ReleaseOptions) -> datetime | None:
    """The first moment after `after`, within the horizon, when releases are open."""
    zone = options.zone
    local = after.astimezone(zone)
    candidates = [freeze.end.replace(tzinfo=zone) for freeze in options.freezes]
    for day in range(options.horizon_days + 1):
        date = (local + timedelta(days=day)).date()
        for window in options.windows:
            start = window.clock("start")
            candidates.append(datetime.combine(date, start, tzinfo=zone))
    for moment in sorted(c for c in candidates if c > local):
        if closed_at(moment, options) is None:
            return moment
    return None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
