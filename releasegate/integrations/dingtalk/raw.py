"""DingTalk's JSON as it arrives: pydantic models spelled as the API spells them (the SDK's
`@NameInMap` names). parsing.py turns them into models.py's types."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class _Raw(BaseModel):
    # camelCase on the wire; unknown fields are ignored so a new DingTalk field never
    # breaks parsing.
    model_config = ConfigDict(
        extra="ignore", populate_by_name=True, frozen=True, alias_generator=to_camel
    )


class RawAccessToken(_Raw):
    access_token: str = Field(min_length=1)
    expire_in: int = Field(gt=0)


class RawFormValue(_Raw):
    name: str | None = None
    # Empty optional fields come back as null.
    value: str | None = None
    id: str | None = None
    ext_value: str | None = None
    component_type: str | None = None
    biz_alias: str | None = None


class RawAttachment(_Raw):
    file_name: str | None = None
    file_size: str | int | None = None
    file_id: str | None = None
    file_type: str | None = None
    space_id: str | int | None = None


class RawOperationRecord(_Raw):
    user_id: str | None = None
    date: str | None = None
    type: str | None = None
    result: str | None = None
    remark: str | None = None
    attachments: list[RawAttachment] | None = None
    cc_user_ids: list[str] | None = None
    activity_id: str | None = None
    show_name: str | None = None
    images: list[str] | None = None


class RawTask(_Raw):
    # A long in the SDK; tolerate it arriving as a string.
    task_id: int | str
    user_id: str | None = None
    status: str | None = None
    result: str | None = None
    create_time: str | None = None
    finish_time: str | None = None
    mobile_url: str | None = None
    pc_url: str | None = None
    process_instance_id: str | None = None
    activity_id: str | None = None
    task_group_name: str | None = None


class RawInstance(_Raw):
    title: str = ""
    create_time: str | None = None
    finish_time: str | None = None
    originator_user_id: str
    originator_dept_id: str | None = None
    originator_dept_name: str | None = None
    status: str
    result: str | None = None
    approver_user_ids: list[str] | None = None
    cc_user_ids: list[str] | None = None
    business_id: str | None = None
    biz_action: str | None = None
    biz_data: str | None = None
    attached_process_instance_ids: list[str] | None = None
    main_process_instance_id: str | None = None
    form_component_values: list[RawFormValue] | None = None
    operation_records: list[RawOperationRecord] | None = None
    tasks: list[RawTask] | None = None


class RawInstanceAnswer(_Raw):
    result: RawInstance
    # "true" (a string) in the documented example.
    success: bool | str | None = None


class RawCreated(_Raw):
    instance_id: str = Field(min_length=1)


class RawExecuted(_Raw):
    # `result` says agree (true) or refuse (false), not whether it worked: `success` does
    # (reference section 9.1).
    success: bool | str | None = None


class RawIdPage(_Raw):
    # Not named `list`: the field would shadow the builtin in the annotations below.
    ids: list[str] = Field(default=[], alias="list")
    # Absent or null on the last page.
    next_token: str | int | None = None


class RawIdPageAnswer(_Raw):
    result: RawIdPage


class RawWorkNotificationAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    errcode: int
    errmsg: str = ""
    task_id: int | None = None


class RawRobotBatchAnswer(_Raw):
    process_query_key: str = ""
    invalid_staff_id_list: list[str] = []
    flow_controlled_staff_id_list: list[str] = []
    filtered_staff_id_list: list[str] = []


class _Oapi(BaseModel):
    # The older API spells its fields in snake_case, as they arrive.
    model_config = ConfigDict(extra="ignore", frozen=True)


class RawDepartment(_Oapi):
    dept_id: int
    name: str = ""


class RawDepartmentsAnswer(_Oapi):
    result: list[RawDepartment] = []


class RawMember(_Oapi):
    userid: str = Field(min_length=1)
    name: str = ""
    email: str | None = None
    org_email: str | None = None


class RawMemberPage(_Oapi):
    has_more: bool = False
    next_cursor: int | None = None
    # `list` on the wire; renamed so the builtin stays itself in the class.
    members: list[RawMember] = Field(default=[], alias="list")


class RawMemberPageAnswer(_Oapi):
    result: RawMemberPage


class RawCardDelivery(_Raw):
    space_type: str | None = None
    space_id: str | None = None
    success: bool | str | None = None
    error_msg: str | None = None


class RawCardResult(_Raw):
    out_track_id: str | None = None
    deliver_results: list[RawCardDelivery] = []


class RawCardDelivered(_Raw):
    success: bool | str | None = None
    result: RawCardResult = RawCardResult()


class RawCardAnswer(_Raw):
    # Card registration and updates: `success` says whether it worked.
    success: bool | str | None = None
