"""From DingTalk's raw JSON (raw.py) to the typed values of models.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.models import (
    ApprovalInstance,
    ApprovalTask,
    Attachment,
    BizAction,
    FormValue,
    InstanceResult,
    InstanceStatus,
    OperationRecord,
)
from releasegate.integrations.dingtalk.raw import (
    RawAttachment,
    RawFormValue,
    RawInstance,
    RawOperationRecord,
    RawTask,
)
from releasegate.lib.validation import first_problem

M = TypeVar("M", bound=BaseModel)

# The v1.0 API gives times in UTC to the minute: "2022-08-31T11:52Z". Seconds are
# accepted too, should they ever appear.
_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?Z$")


def validated(model: type[M], response: httpx.Response, what: str) -> M:
    """The response body parsed into `model`, or `UnexpectedResponse` naming the field
    where the shape went wrong."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        where, problem = first_problem(exc)
        raise errors.UnexpectedResponse(
            f"{what}: DingTalk's answer is malformed at {where}: {problem}",
            status=response.status_code,
        ) from None


def parse_time(text: str | None, field: str) -> datetime | None:
    """A DingTalk "yyyy-MM-ddTHH:mmZ" time as an aware UTC datetime; None when empty."""
    if not text:
        return None
    match = _TIME.match(text)
    if match is None:
        raise errors.UnexpectedResponse(f"DingTalk sent {field}={text!r}, not yyyy-MM-ddTHH:mmZ")
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def instance_from(instance_id: str, raw: RawInstance) -> ApprovalInstance:
    """Raises `UnexpectedResponse` for a status, result or time DingTalk does not send."""
    return ApprovalInstance(
        instance_id=instance_id,
        title=raw.title,
        status=_enum(InstanceStatus, raw.status.upper(), "status"),
        result=_enum(InstanceResult, (raw.result or "").lower(), "result"),
        originator_user_id=raw.originator_user_id,
        originator_dept_id=raw.originator_dept_id or "",
        originator_dept_name=raw.originator_dept_name or "",
        create_time=parse_time(raw.create_time, "createTime"),
        finish_time=parse_time(raw.finish_time, "finishTime"),
        business_id=raw.business_id or "",
        biz_action=_enum(BizAction, (raw.biz_action or "NONE").upper(), "bizAction"),
        biz_data=raw.biz_data or "",
        form=tuple(_form_value(value) for value in raw.form_component_values or []),
        operation_records=tuple(_record(record) for record in raw.operation_records or []),
        tasks=tuple(_task(task) for task in raw.tasks or []),
        approver_user_ids=tuple(raw.approver_user_ids or ()),
        cc_user_ids=tuple(raw.cc_user_ids or ()),
        attached_process_instance_ids=tuple(raw.attached_process_instance_ids or ()),
        main_process_instance_id=raw.main_process_instance_id or "",
    )


E = TypeVar("E", InstanceStatus, InstanceResult, BizAction)


def _enum(kind: type[E], value: str, field: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise errors.UnexpectedResponse(f"DingTalk sent an unknown {field} {value!r}") from None


def _form_value(raw: RawFormValue) -> FormValue:
    return FormValue(
        name=raw.name or "",
        value=raw.value or "",
        id=raw.id or "",
        component_type=raw.component_type or "",
        ext_value=raw.ext_value or "",
        biz_alias=raw.biz_alias or "",
    )


def _record(raw: RawOperationRecord) -> OperationRecord:
    return OperationRecord(
        user_id=raw.user_id or "",
        type=raw.type or "",
        result=(raw.result or "").upper(),
        date=parse_time(raw.date, "operationRecords.date"),
        remark=raw.remark or "",
        activity_id=raw.activity_id or "",
        show_name=raw.show_name or "",
        cc_user_ids=tuple(raw.cc_user_ids or ()),
        attachments=tuple(_attachment(item) for item in raw.attachments or []),
        images=tuple(raw.images or ()),
    )


def _attachment(raw: RawAttachment) -> Attachment:
    return Attachment(
        file_name=raw.file_name or "",
        file_id=raw.file_id or "",
        file_type=raw.file_type or "",
        file_size=str(raw.file_size or ""),
        space_id=str(raw.space_id or ""),
    )


def _task(raw: RawTask) -> ApprovalTask:
    task_id = str(raw.task_id)
    if not task_id.isdigit():
        raise errors.UnexpectedResponse(f"DingTalk sent a task id {task_id!r}, not a number")
    return ApprovalTask(
        task_id=int(task_id),
        user_id=raw.user_id or "",
        status=(raw.status or "").upper(),
        result=(raw.result or "").upper(),
        activity_id=raw.activity_id or "",
        create_time=parse_time(raw.create_time, "tasks.createTime"),
        finish_time=parse_time(raw.finish_time, "tasks.finishTime"),
        task_group_name=raw.task_group_name or "",
        pc_url=raw.pc_url or "",
        mobile_url=raw.mobile_url or "",
    )
