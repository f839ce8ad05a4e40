"""Feishu's answers as they come (reference §A2), before we read them: only the fields we
use are declared, everything else is ignored. Times are milliseconds since the epoch, as
strings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Raw(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class RawTenantToken(_Raw):
    code: int
    msg: str = ""
    tenant_access_token: str = Field("", max_length=512)
    expire: int = 0


class RawTask(_Raw):
    id: str = ""
    user_id: str = ""
    open_id: str = ""
    status: str = ""
    node_name: str = ""
    start_time: str = ""
    end_time: str = ""


class RawTimelineEntry(_Raw):
    type: str = ""
    create_time: str = ""
    user_id: str = ""
    open_id: str = ""
    task_id: str = ""
    comment: str = ""


class RawInstance(_Raw):
    approval_code: str = ""
    approval_name: str = ""
    instance_code: str = ""
    status: str
    start_time: str = ""
    end_time: str = ""
    user_id: str = ""
    open_id: str = ""
    serial_number: str = ""
    uuid: str = ""
    # A JSON string: [{id, name, type, value, option?}, …].
    form: str = "[]"
    task_list: list[RawTask] = []
    timeline: list[RawTimelineEntry] = []
    reverted: bool = False


class RawInstanceCodes(_Raw):
    instance_code_list: list[str] = []
    has_more: bool = False
    page_token: str = ""


class RawCreated(_Raw):
    instance_code: str


class RawMessage(_Raw):
    message_id: str = ""


class RawDefinition(_Raw):
    approval_name: str = ""
    status: str = ""
    # A JSON string: [{id, custom_id, name, type, option?, …}, …].
    form: str = "[]"


class RawDepartment(_Raw):
    open_department_id: str = Field(min_length=1)
    name: str = ""


class RawDepartmentPage(_Raw):
    items: list[RawDepartment] = []
    has_more: bool = False
    page_token: str = ""


class RawMember(_Raw):
    open_id: str = Field(min_length=1)
    name: str = ""
    # Only with the scope contact:user.email:readonly (enterprise_email with its own).
    email: str = ""
    enterprise_email: str = ""


class RawMemberPage(_Raw):
    items: list[RawMember] = []
    has_more: bool = False
    page_token: str = ""
