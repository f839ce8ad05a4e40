"""Requests made from ReleaseGate's side: the dashboard's "new release" page, `POST
/api/requests` and `releasegate request` all come here (for companies whose approval form
cannot call a connector, and for ReleaseGate's own approvals).

A request is checked exactly as the form's submit check would check it, then started as
an approval on the person's behalf in the platform that takes requests (they are its
originator). From then on it is an approval like any other: its outcome comes back
through the platform's events or reconcile, and only an approved one becomes a release.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application, find_project, option_label
from releasegate.config import FormMapping
from releasegate.releases.approvals.ports import ApprovalSource, ReleaseRequest
from releasegate.releases.form import read_form
from releasegate.releases.inbox import record_delivery
from releasegate.releases.parameters import password_fields, password_names
from releasegate.releases.rollbacks import RollbackPlan, remember
from releasegate.releases.rules import form_problems

__all__ = ["ReleaseRequest", "RequestRefused", "form_values", "password_labels", "submit"]


class RequestRefused(Exception):
    """The request would be blocked at submit; `problems` say why, in the users' words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


def form_values(request: ReleaseRequest, mapping: FormMapping) -> list[tuple[str, str]]:
    """The approval form's (label, value) pairs for the request, as the form itself would
    hold them: the chosen options' readable labels, the parameters in their fields."""
    catalog = snapshot.current()
    project = find_project(catalog, request.project)
    application = find_application(catalog, request.application, request.project)
    values = [
        (
            mapping.project,
            option_label(project.display_name, project.key) if project else request.project,
        ),
        (
            mapping.application,
            option_label(application.display_name, application.full_name)
            if application
            else request.application,
        ),
        (mapping.release_type, request.release_type),
        (mapping.release_time, request.release_time),
        (mapping.db_change, request.db_change),
        (mapping.db_change_done, request.db_change_done),
    ]
    for label, names in mapping.parameter_names().items():
        given = next((request.parameters[n] for n in names if request.parameters.get(n)), "")
        values.append((label, given))
    return [(label, value) for label, value in values if value != ""]


def password_labels(request: ReleaseRequest, mapping: FormMapping) -> frozenset[str]:
    """The form labels (of `form_values`) whose field fills a password parameter of the
    requested job: their values are masked wherever the form is shown."""
    catalog = snapshot.current()
    application = find_application(catalog, request.application, request.project)
    passwords = password_names(application.parameters) if application else frozenset()
    return password_fields(passwords, mapping)


# "Your account has no user id on <platform>", by platform.
_NO_USER_ID = {"dingtalk": "钉钉用户 ID", "feishu": "飞书用户 ID", "wecom": "企业微信用户 ID"}


def submit(
    request: ReleaseRequest,
    *,
    originator_user_id: str,
    source: ApprovalSource,
    now: datetime | None = None,
    rollback: RollbackPlan | None = None,
) -> str:
    """Check the request as the form's submit check would, start the approval on the
    originator's behalf in `source`'s platform, and return its id. Raises
    `RequestRefused` with the reasons (nothing is started then), or the platform's error
    when it refuses. `now` (the clock's unless given) is the moment the request is
    checked at and recorded with. A `rollback` is checked as one and remembered with its
    approval, so the release made of it is marked and linked."""
    if not originator_user_id:
        which = _NO_USER_ID.get(source.provider, f"{source.provider} 用户 ID")
        raise RequestRefused([f"你的账号没有设置{which}，无法代你发起审批"])
    moment = now or timezone.now()
    options = settings.CONFIG.options
    mapping = options.form
    values = form_values(request, mapping)
    problems = _unformed_parameters(request, mapping)
    problems += form_problems(
        read_form(dict(values), mapping),
        snapshot.current(),
        mapping,
        options.releases,
        moment,
        rollback=rollback is not None,
    )
    if problems:
        raise RequestRefused(problems)
    instance_id = source.start(originator_user_id, request)
    with transaction.atomic():
        # Remembered like a delivery, so the approval is known (and reconciled) at once.
        record_delivery(
            via="request",
            event_type="request",
            provider=source.provider,
            instance_id=instance_id,
            payload={"originator": originator_user_id, "form": dict(values)},
            now=moment,
        )
        if rollback is not None:
            remember(rollback, provider=source.provider, instance_id=instance_id, now=moment)
    return instance_id


def _unformed_parameters(request: ReleaseRequest, mapping: FormMapping) -> list[str]:
    """Parameters the approval form has no field for: the approved form is all a release
    reads, so they would be silently dropped."""
    formed = {name for names in mapping.parameter_names().values() for name in names}
    return [
        f"审批表单中没有参数 {name} 的字段，无法代你填写"
        for name in sorted(request.parameters)
        if name not in formed and request.parameters[name]
    ]
