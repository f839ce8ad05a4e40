"""The policies: may this release run, with what, and when.

Checked when a release is received (the one rule set, `releases.rules`, on the request
as its approved form said, plus the self-approval rule) and again when it fires (the
catalog, the windows and the approval may have changed in between). Pure: the catalog,
the form mapping, the options and the clock come in; the reasons are written for the
people who asked (Chinese).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from releasegate.catalog.snapshot import CatalogApplication, CatalogSnapshot
from releasegate.config import FormMapping, ReleaseOptions
from releasegate.releases.form import RequestedRelease
from releasegate.releases.models import Release
from releasegate.releases.parameters import check_parameters
from releasegate.releases.rules import SELF_APPROVED, assess
from releasegate.releases.windows import closed_at, next_opening


@dataclass(frozen=True)
class Verdict:
    """Refused (`reason`), or allowed to run `job` at `run_at` (None: now) with
    `parameters`."""

    reason: str | None = None
    run_at: datetime | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    # Set when the release was held to the next window rather than refused.
    held: str | None = None
    job: str = ""


def judge(
    release: Release,
    catalog: CatalogSnapshot,
    mapping: FormMapping,
    options: ReleaseOptions,
    now: datetime,
) -> Verdict:
    """Everything a received release must pass: the rules every request passes at submit
    time, then that its originator is not its only approver."""
    assessment = assess(
        requested_of(release), catalog, mapping, options, now, rollback=release.is_rollback
    )
    problems = list(assessment.problems)
    if options.forbid_self_approval and self_approved(release):
        problems.append(SELF_APPROVED)
    if problems or assessment.application is None:
        return Verdict("；".join(problems))
    application = assessment.application
    return Verdict(
        run_at=assessment.run_at,
        parameters=approved_parameters(application, assessment.parameters, release.pk, options),
        held=assessment.held,
        job=application.full_name,
    )


def requested_of(release: Release) -> RequestedRelease:
    """The request as the approved form said it (releases received before the request
    was kept whole: rebuilt from what they recorded of it)."""
    if release.request:
        return RequestedRelease(**release.request)
    return RequestedRelease(
        project=release.project_key,
        application=release.application_name,
        release_type=release.release_type,
        release_time_text=release.requested_time_text,
        has_db_change=release.has_db_change,
        db_change_done=release.db_change_done,
        parameters=dict(release.requested_parameters),
    )


def self_approved(release: Release) -> bool:
    """The originator approved their own release and nobody else did."""
    others = [user for user in release.approver_user_ids if user != release.originator_user_id]
    return bool(release.approver_user_ids) and not others


def approved_parameters(
    application: CatalogApplication,
    given: Mapping[str, str],
    release_id: int,
    options: ReleaseOptions,
) -> dict[str, str]:
    """Every parameter the build will get, frozen at approval: the requested value or the
    job's declared default (sent explicitly, so the build record shows what ran). A
    password's hidden default is left to Jenkins; the release id goes into the job's
    `release_id_parameter` where it declares one."""
    values: dict[str, str] = {}
    for parameter in application.parameters:
        if parameter.name == options.release_id_parameter:
            values[parameter.name] = str(release_id)
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
    if release.is_rollback:
        options = options.for_rollback()
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


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
