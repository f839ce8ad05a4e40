"""What ReleaseGate knows about DingTalk approvals, as typed values.

Parsed from DingTalk's v1.0 `GET /v1.0/workflow/processInstances` answer (see
docs/dingtalk-setup.md and the simulator); nothing here is taken from an event payload,
which is never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal


class InstanceStatus(StrEnum):
    # The docs list RUNNING, TERMINATED and COMPLETED; NEW and CANCELED appear in the SDK
    # examples and the older API, so they are accepted too.
    NEW = "NEW"
    RUNNING = "RUNNING"
    TERMINATED = "TERMINATED"
    COMPLETED = "COMPLETED"
    CANCELED = "CANCELED"


class InstanceResult(StrEnum):
    AGREE = "agree"
    REFUSE = "refuse"
    # While the approval runs (and after a revocation) DingTalk sends "".
    NONE = ""


class BizAction(StrEnum):
    NONE = "NONE"
    MODIFY = "MODIFY"
    REVOKE = "REVOKE"


@dataclass(frozen=True)
class FormValue:
    name: str
    value: str
    id: str = ""
    component_type: str = ""
    ext_value: str = ""
    biz_alias: str = ""


@dataclass(frozen=True)
class Attachment:
    file_name: str
    file_id: str = ""
    file_type: str = ""
    file_size: str = ""
    space_id: str = ""


@dataclass(frozen=True)
class OperationRecord:
    user_id: str
    # EXECUTE_TASK_NORMAL, EXECUTE_TASK_AGENT, START_PROCESS_INSTANCE, ...
    type: str
    # AGREE, REFUSE or NONE.
    result: str
    date: datetime | None = None
    remark: str = ""
    activity_id: str = ""
    show_name: str = ""
    cc_user_ids: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    images: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApprovalTask:
    task_id: int
    user_id: str
    # NEW, RUNNING, PAUSED, CANCELED, COMPLETED, TERMINATED.
    status: str
    # AGREE, REFUSE, REDIRECTED, or "".
    result: str
    activity_id: str = ""
    create_time: datetime | None = None
    finish_time: datetime | None = None
    task_group_name: str = ""
    pc_url: str = ""
    mobile_url: str = ""


_APPROVING_OPERATIONS = ("EXECUTE_TASK_NORMAL", "EXECUTE_TASK_AGENT")


@dataclass(frozen=True)
class ApprovalInstance:
    """One approval instance, as DingTalk's API describes it."""

    instance_id: str
    title: str
    status: InstanceStatus
    result: InstanceResult
    originator_user_id: str
    originator_dept_id: str = ""
    create_time: datetime | None = None
    finish_time: datetime | None = None
    business_id: str = ""
    biz_action: BizAction = BizAction.NONE
    form: tuple[FormValue, ...] = ()
    operation_records: tuple[OperationRecord, ...] = ()
    tasks: tuple[ApprovalTask, ...] = ()
    # Only filled for instances started through the API.
    approver_user_ids: tuple[str, ...] = ()
    cc_user_ids: tuple[str, ...] = ()
    originator_dept_name: str = ""
    # A JSON string the starting system attached, passed through unread.
    biz_data: str = ""
    # MODIFY/REVOKE after approval create an attached instance (reference section 7).
    attached_process_instance_ids: tuple[str, ...] = ()
    main_process_instance_id: str = ""

    @property
    def approved(self) -> bool:
        """DingTalk: "status为COMPLETED且result为agree时，表示审批单完结并审批通过" — and
        not revoked or modified afterwards (then it stays COMPLETED + agree, with the
        bizAction saying so), and not itself the attached instance of such a change."""
        return (
            self.status is InstanceStatus.COMPLETED
            and self.result is InstanceResult.AGREE
            and self.biz_action is BizAction.NONE
            and not self.main_process_instance_id
        )

    @property
    def ended_without_approval(self) -> bool:
        """Refused, terminated, cancelled, or revoked or modified after approval: what was
        approved must not run."""
        return (
            self.status in (InstanceStatus.TERMINATED, InstanceStatus.CANCELED)
            or (self.status is InstanceStatus.COMPLETED and self.result is InstanceResult.REFUSE)
            or self.biz_action in (BizAction.REVOKE, BizAction.MODIFY)
        )

    @property
    def takes_back_approval(self) -> bool:
        """A change made after approval (an attached REVOKE or MODIFY instance) that
        takes the approved one back: any such change not itself refused, terminated or
        cancelled. A pending one counts too: its originator no longer stands behind
        what was approved."""
        return (
            self.biz_action in (BizAction.REVOKE, BizAction.MODIFY)
            and self.status not in (InstanceStatus.TERMINATED, InstanceStatus.CANCELED)
            and self.result is not InstanceResult.REFUSE
        )

    @property
    def approvers(self) -> tuple[str, ...]:
        """Everyone who acted as an approver, in order, without repeats: from the tasks,
        the approving operation records and (for API-started instances) the list."""
        seen: dict[str, None] = {}
        for task in self.tasks:
            if task.user_id:
                seen.setdefault(task.user_id, None)
        for record in self.operation_records:
            if record.type in _APPROVING_OPERATIONS and record.user_id:
                seen.setdefault(record.user_id, None)
        for user_id in self.approver_user_ids:
            seen.setdefault(user_id, None)
        return tuple(seen)

    @property
    def agreed_by(self) -> tuple[str, ...]:
        """The approvers who agreed."""
        seen: dict[str, None] = {}
        for record in self.operation_records:
            if record.type in _APPROVING_OPERATIONS and record.result == "AGREE":
                seen.setdefault(record.user_id, None)
        for task in self.tasks:
            if task.result == "AGREE":
                seen.setdefault(task.user_id, None)
        return tuple(seen)

    def form_value(self, name: str) -> str | None:
        """The value of the form field labelled `name`, or None when it is absent."""
        return next((field.value for field in self.form if field.name == name), None)


@dataclass(frozen=True)
class ApproverStep:
    """One step of an approver chain given when starting an instance: everyone must
    agree (AND), anyone may (OR), or a single approver (NONE)."""

    user_ids: tuple[str, ...]
    action_type: Literal["AND", "OR", "NONE"] = "NONE"
