"""Feishu behind the approval port: its instances in the domain's words, listing the
release form's instances, starting one on a person's behalf and deciding a task.

People are named by their `open_id` (ou_…) everywhere: it is what messages, starting an
instance and deciding a task take, and what a dashboard user is mapped to.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application, find_project
from releasegate.catalog.option_ids import application_id, choice_id, chosen, project_id
from releasegate.config import FormMapping, ReleaseOptions
from releasegate.integrations.feishu import errors
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.integrations.feishu.raw import RawInstance, RawTask
from releasegate.releases.approvals.instance import (
    ApprovalInstance,
    ApprovalStatus,
    ApproverTask,
    Link,
    TaskDecision,
)
from releasegate.releases.approvals.ports import Decision, ReleaseRequest
from releasegate.releases.form import parse_release_time, read_form

logger = logging.getLogger("releasegate.feishu")

PROVIDER = "feishu"
# Feishu's instance statuses (reference §A3), CANCELED spelled Feishu's way.
_STATUSES = {
    "PENDING": ApprovalStatus.PENDING,
    "OVERTIME_RECOVER": ApprovalStatus.PENDING,
    "APPROVED": ApprovalStatus.APPROVED,
    # Approved, then reverted (撤销 after approval): taken back, see `describe`.
    "REVERTED": ApprovalStatus.APPROVED,
    "REJECTED": ApprovalStatus.REFUSED,
    "CANCELED": ApprovalStatus.WITHDRAWN,
    "OVERTIME_CLOSE": ApprovalStatus.WITHDRAWN,
    "DELETED": ApprovalStatus.DELETED,
}
_TASKS = {
    "PENDING": TaskDecision.PENDING,
    "APPROVED": TaskDecision.APPROVED,
    "REJECTED": TaskDecision.REFUSED,
}
# How long the form's definition (its widgets' ids) is kept before it is read again.
DEFINITION_TTL_SECONDS = 600
# A start whose answer was lost is tried again with the same uuid this often.
START_ATTEMPTS = 3
# Where to look for an instance Feishu says was already made with our uuid.
_ADOPT_WINDOW = timedelta(hours=1)
_APPLINK_APPS = {"feishu": "cli_9cb844403dbb9108", "lark": "cli_9c7cc8a9a9edd105"}


@dataclass(frozen=True)
class Widget:
    id: str
    type: str
    # A static radio's options: the text people see -> the value Feishu stores.
    options: dict[str, str]


class FeishuApprovals:
    """The release form's approvals in one Feishu app (the approval port's source)."""

    provider = PROVIDER

    def __init__(
        self,
        client: FeishuClient,
        approval_code: str,
        mapping: FormMapping,
        releases: ReleaseOptions,
        *,
        lark: bool = False,
    ) -> None:
        self.client = client
        self.approval_code = approval_code
        self.mapping = mapping
        self.releases = releases
        self.lark = lark
        self._lock = threading.Lock()
        self._widgets: tuple[float, dict[str, Widget]] | None = None

    @property
    def release_form(self) -> str:
        return self.approval_code

    def get_instance(self, instance_id: str) -> ApprovalInstance:
        return self.describe(instance_id, self.client.get_instance(instance_id))

    def describe(self, instance_id: str, raw: RawInstance) -> ApprovalInstance:
        reverted = raw.status == "REVERTED" or raw.reverted
        status = _STATUSES.get(raw.status, ApprovalStatus.WITHDRAWN)
        if reverted:
            status = ApprovalStatus.APPROVED
        tasks = tuple(_task(task, raw) for task in raw.task_list)
        approvers = tuple(dict.fromkeys(task.user_id for task in tasks if task.user_id))
        form = _form(raw.form)
        return ApprovalInstance(
            provider=PROVIDER,
            instance_id=raw.instance_code or instance_id,
            status=status,
            provider_status=raw.status + (" reverted" if raw.reverted else ""),
            title=raw.approval_name,
            originator_user_id=raw.open_id,
            approvers=approvers,
            approved_by=tuple(t.user_id for t in tasks if t.decision is TaskDecision.APPROVED),
            tasks=tasks,
            taken_back=reverted,
            taken_back_by="",
            form=form,
            request=read_form(dict(form), self.mapping),
            form_code=raw.approval_code,
            created_at=_time(raw.start_time),
            finished_at=_time(raw.end_time),
            links=(Link("飞书", self._link(raw.instance_code or instance_id)),),
        )

    def _link(self, instance_code: str) -> str:
        """The approval's page in the Feishu (or Lark) client (AppLink, reference §A2)."""
        brand = "lark" if self.lark else "feishu"
        host = "applink.larksuite.com" if self.lark else "applink.feishu.cn"
        path = quote(f"pages/detail/index?instanceId={instance_code}", safe="")
        return f"https://{host}/client/mini_program/open?appId={_APPLINK_APPS[brand]}&path={path}"

    def changed_since(self, since: datetime, until: datetime) -> list[str]:
        """Feishu lists a definition's instances by start time: those started in the
        window (every page; 100 listing calls a minute)."""
        return self.client.list_instance_codes(self.approval_code, _ms(since), _ms(until))

    def is_release_form(self, instance: ApprovalInstance) -> bool:
        return instance.form_code == self.approval_code

    def start(self, originator_user_id: str, request: ReleaseRequest) -> str:
        form = self.form_for(request)
        key = uuid.uuid4().hex
        started = datetime.now(UTC)
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                return self.client.create_instance(
                    self.approval_code, originator_user_id, form, key
                )
            except errors.FeishuError as exc:
                if exc.code == errors.ALREADY_CREATED:
                    # Our earlier attempt made it and its answer was lost: adopt it.
                    return self._adopt(key, started)
                if isinstance(exc, errors.Refused):
                    raise errors.StartRefused(
                        exc.message, status=exc.status, code=exc.code
                    ) from None
                if exc.permanent or attempt == START_ATTEMPTS:
                    raise
                logger.warning("starting a Feishu approval: %s; trying again", exc)
        raise AssertionError("unreachable")

    def _adopt(self, key: str, started: datetime) -> str:
        codes = self.client.list_instance_codes(
            self.approval_code, _ms(started - _ADOPT_WINDOW), _ms(started + _ADOPT_WINDOW)
        )
        for code in reversed(codes):
            if self.client.get_instance(code).uuid == key:
                return code
        raise errors.Unavailable(
            "Feishu says the approval was started already but does not list it yet"
        )

    def form_for(self, request: ReleaseRequest) -> list[dict[str, Any]]:
        """The form's widgets as Feishu's create call takes them (reference §A2): the
        external options by our option ids, static radios by their stored value, the
        release time as RFC 3339. Raises `StartRefused` for a field the form lacks."""
        widgets = self._definition()
        catalog = snapshot.current()
        project = find_project(catalog, request.project)
        application = find_application(catalog, request.application, request.project)
        mapping = self.mapping
        values: list[tuple[str, str, str]] = [
            (
                mapping.project,
                project_id(project.key or project.display_name) if project else request.project,
                "",
            ),
            (
                mapping.application,
                application_id(application.full_name) if application else request.application,
                "",
            ),
            (mapping.release_type, request.release_type, mapping.release_type_parameter),
            (mapping.release_time, self._rfc3339(request.release_time), ""),
            (mapping.db_change, request.db_change, ""),
            (mapping.db_change_done, request.db_change_done, ""),
        ]
        for label, names in mapping.parameter_names().items():
            given = next(
                ((n, request.parameters[n]) for n in names if request.parameters.get(n)), None
            )
            if given:
                values.append((label, given[1], given[0]))
        form: list[dict[str, Any]] = []
        for label, value, parameter in values:
            if value == "":
                continue
            widget = widgets.get(label)
            if widget is None:
                raise errors.StartRefused(f"the Feishu form has no field named {label!r}")
            form.append(
                {
                    "id": widget.id,
                    "type": widget.type,
                    "value": _widget_value(widget, value, parameter),
                }
            )
        return form

    def _rfc3339(self, text: str) -> str:
        moment = parse_release_time(text, self.releases)
        return moment.isoformat() if moment else ""

    def _definition(self) -> dict[str, Widget]:
        """The form's widgets by name, read from Feishu and kept for a while."""
        with self._lock:
            if self._widgets and time.monotonic() - self._widgets[0] < DEFINITION_TTL_SECONDS:
                return self._widgets[1]
        definition = self.client.get_definition(self.approval_code)
        widgets = {w.get("name", ""): _widget(w) for w in _widget_list(definition.form)}
        with self._lock:
            self._widgets = (time.monotonic(), widgets)
        return widgets

    def act(
        self, instance_id: str, task_id: str, approver_user_id: str, decision: Decision, remark: str
    ) -> None:
        try:
            self.client.decide_task(
                approve=decision is Decision.APPROVE,
                approval_code=self.approval_code,
                instance_code=instance_id,
                open_id=approver_user_id,
                task_id=task_id,
                comment=remark,
            )
        except errors.Refused as exc:
            raise errors.TaskRefused(exc.message, status=exc.status, code=exc.code) from None


def _widget_value(widget: Widget, value: str, parameter: str) -> Any:
    if widget.type in ("radio", "radioV2"):
        if value in widget.options:
            return widget.options[value]
        if parameter and chosen(value) is None and not widget.options:
            # An external source of the parameter's choices: its option id.
            return choice_id(parameter, value)
        return value
    if widget.type in ("checkbox", "checkboxV2"):
        return [widget.options.get(value, value)]
    if widget.type == "number":
        try:
            return float(value)
        except ValueError:
            raise errors.StartRefused(f"{value!r} is not a number for {widget.id}") from None
    return value


def _widget_list(form: str) -> list[dict[str, Any]]:
    try:
        found = json.loads(form or "[]")
    except ValueError:
        raise errors.UnexpectedResponse("the form's definition is not JSON") from None
    if not isinstance(found, list):
        raise errors.UnexpectedResponse("the form's definition is not a list of widgets")
    return [w for w in found if isinstance(w, dict)]


def _widget(raw: dict[str, Any]) -> Widget:
    options: dict[str, str] = {}
    for option in raw.get("option") or []:
        if isinstance(option, dict) and option.get("text") and option.get("value"):
            options[str(option["text"])] = str(option["value"])
    return Widget(id=str(raw.get("id", "")), type=str(raw.get("type", "")), options=options)


def _form(form: str) -> tuple[tuple[str, str], ...]:
    """(name, value) of each widget, our option ids read back to what they name. A form
    that is not Feishu's shape reads as empty (the request is then unreadable)."""
    try:
        widgets = _widget_list(form)
    except errors.UnexpectedResponse:
        return ()
    pairs = []
    for widget in widgets:
        pairs.append((str(widget.get("name", "")), _value(widget)))
    return tuple(pairs)


def _value(widget: dict[str, Any]) -> str:
    option = widget.get("option")
    if isinstance(option, dict):
        key = chosen(str(option.get("key", "")))
        if key is not None:
            return key
    value = widget.get("value")
    if isinstance(value, list):
        return ", ".join(chosen(str(v)) or str(v) for v in value)
    if value is None:
        return ""
    text = str(value)
    return chosen(text) or text


def _task(task: RawTask, raw: RawInstance) -> ApproverTask:
    decision = _TASKS.get(task.status, TaskDecision.OTHER)
    remark = next(
        (
            entry.comment
            for entry in raw.timeline
            if entry.task_id and entry.task_id == task.id and entry.comment
        ),
        "",
    )
    return ApproverTask(
        user_id=task.open_id,
        decision=decision,
        task_id=task.id,
        decided_at=_time(task.end_time) if decision is not TaskDecision.PENDING else None,
        remark=remark,
    )


def _time(ms: str) -> datetime | None:
    if not ms or not ms.isdigit() or int(ms) == 0:
        return None
    return datetime.fromtimestamp(int(ms) / 1000, tz=UTC)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
