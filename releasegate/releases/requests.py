"""Requests made from ReleaseGate's side, for companies without DingTalk Professional
(whose forms cannot call a connector): the dashboard's "new release" page, `POST
/api/requests` and `releasegate request` all come here.

A request is checked exactly as the form's submit check would check it, then started as
a DingTalk approval instance on the person's behalf (they are its originator). From then
on it is an approval like any other: its outcome comes back through the event push,
Stream or reconcile, and only an approved instance becomes a release.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application, find_project, option_label
from releasegate.config import FormMapping
from releasegate.integrations.dingtalk.connector_validation import form_problems
from releasegate.releases.form import read_form
from releasegate.releases.inbox import record_delivery


class InstanceStarter(Protocol):
    def create_instance(
        self, process_code: str, originator_user_id: str, form_values: list[tuple[str, str]]
    ) -> str: ...


@dataclass(frozen=True)
class ReleaseRequest:
    """What a person asks for, by role (the form's labels come from the mapping)."""

    project: str
    application: str
    release_type: str = ""
    # As the form writes it: "2026-11-27 10:00", or empty for as soon as approved.
    release_time: str = ""
    # "是" or "否" (any of the configured yes/no words).
    db_change: str = "否"
    db_change_done: str = ""
    # Jenkins parameter name -> value, for the parameters the form has fields for.
    parameters: dict[str, str] = field(default_factory=dict)


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


def submit(
    request: ReleaseRequest,
    *,
    originator_user_id: str,
    starter: InstanceStarter,
    now: datetime | None = None,
) -> str:
    """Check the request as the form's submit check would, start the approval instance on
    the originator's behalf, and return its id. Raises `RequestRefused` with the reasons
    (nothing is started then), or the client's error when DingTalk refuses. `now` (the
    clock's unless given) is the moment the request is checked at and recorded with."""
    if not originator_user_id:
        raise RequestRefused(["你的账号没有设置钉钉用户 ID，无法代你发起审批"])
    moment = now or timezone.now()
    options = settings.CONFIG.options
    mapping = options.dingtalk.form
    values = form_values(request, mapping)
    problems = _unformed_parameters(request, mapping)
    problems += form_problems(
        read_form(dict(values), mapping), snapshot.current(), mapping, options.releases, moment
    )
    if problems:
        raise RequestRefused(problems)
    dingtalk = settings.CONFIG.dingtalk
    process_code = dingtalk.process_code if dingtalk else ""
    instance_id = starter.create_instance(process_code, originator_user_id, values)
    with transaction.atomic():
        # Remembered like a delivery, so the approval is known (and reconciled) at once.
        record_delivery(
            via="request",
            event_type="request",
            instance_id=instance_id,
            payload={"originator": originator_user_id, "form": dict(values)},
            now=moment,
        )
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
