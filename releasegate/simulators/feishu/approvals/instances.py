"""Approval instances and how they move, as Feishu shows them.

The definition has one approval node, 会签 (AND): every approver gets a task at once.
Each approval finishes that approver's task (APPROVED); when the last one approves, the
instance is APPROVED. A rejection ends it at once: the rejecting task REJECTED, the other
pending tasks DONE, the instance REJECTED. The originator may cancel (撤回) a pending
instance: CANCELED, pending tasks DONE.

Every change returns the v1 events Feishu would push (`approval_instance`,
`approval_task`, reference section A3), in their order.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from releasegate.simulators.feishu.approvals.definition import (
    APPROVAL_NODE_NAME,
    FilledWidget,
    exported_form,
    node_id,
)
from releasegate.simulators.feishu.settings import Person, SimSettings

Event = dict[str, Any]
# Serial numbers count days in China, where the tenant is.
CHINA = timezone(timedelta(hours=8))


class ApprovalConflict(Exception):
    """The action does not fit the instance (not the task's approver, not pending...)."""


@dataclass
class Task:
    id: str
    person: Person
    start_ms: int
    status: str = "PENDING"
    end_ms: int = 0


@dataclass
class Moment:
    """One entry of the instance's timeline (审批动态)."""

    type: str
    create_ms: int
    person: Person
    task_id: str = ""
    comment: str = ""


@dataclass
class Instance:
    instance_code: str
    originator: Person
    form: list[FilledWidget]
    start_ms: int
    serial_number: str
    uuid: str = ""
    status: str = "PENDING"
    end_ms: int = 0
    tasks: list[Task] = field(default_factory=list)
    timeline: list[Moment] = field(default_factory=list)

    def pending_task(self, person: Person, task_id: str) -> Task:
        """The task `task_id` if it is `person`'s and pending; raises ApprovalConflict."""
        task = next((t for t in self.tasks if t.id == task_id), None)
        if task is None:
            raise ApprovalConflict(f"task {task_id} is not a task of this instance")
        if task.person != person:
            raise ApprovalConflict(f"user {person.user_id} is not the approver of task {task_id}")
        if task.status != "PENDING" or self.status != "PENDING":
            raise ApprovalConflict(f"task {task_id} is {task.status}, not PENDING")
        return task

    def waiting_on(self) -> list[Person]:
        return [t.person for t in self.tasks if t.status == "PENDING"]


class Approvals:
    """The instances of the definition. Callers hold the world lock."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.instances: dict[str, Instance] = {}
        self._task_ids = itertools.count(7_214_845_521_813_110_812)
        self._serials = itertools.count(1)

    def find(self, code_or_uuid: str) -> Instance | None:
        """An instance by its code or by the uuid it was created with (get-instance takes
        either, per its doc)."""
        found = self.instances.get(code_or_uuid)
        if found is None and code_or_uuid:
            found = next((i for i in self.instances.values() if i.uuid == code_or_uuid), None)
        return found

    def by_uuid(self, request_uuid: str) -> Instance | None:
        return next(
            (i for i in self.instances.values() if request_uuid and i.uuid == request_uuid), None
        )

    def start(
        self, originator: Person, form: list[FilledWidget], request_uuid: str, now_ms: int
    ) -> tuple[Instance, list[Event]]:
        day = datetime.fromtimestamp(now_ms / 1000, tz=CHINA).strftime("%Y%m%d")
        instance = Instance(
            instance_code=str(uuid.uuid4()).upper(),
            originator=originator,
            form=form,
            start_ms=now_ms,
            serial_number=f"{day}{next(self._serials):06d}",
            uuid=request_uuid,
        )
        instance.timeline.append(Moment("START", now_ms, originator))
        for user_id in self.settings.approvers:
            person = self.settings.person(user_id)
            if person is not None:
                instance.tasks.append(Task(str(next(self._task_ids)), person, now_ms))
        self.instances[instance.instance_code] = instance
        events = [self.instance_event(instance, now_ms)]
        events += [self.task_event(instance, task, now_ms) for task in instance.tasks]
        return instance, events

    def approve(
        self, instance: Instance, person: Person, task_id: str, comment: str, now_ms: int
    ) -> list[Event]:
        task = instance.pending_task(person, task_id)
        task.status, task.end_ms = "APPROVED", now_ms
        instance.timeline.append(Moment("PASS", now_ms, person, task.id, comment))
        events = [self.task_event(instance, task, now_ms)]
        if not instance.waiting_on():
            instance.status, instance.end_ms = "APPROVED", now_ms
            events.append(self.instance_event(instance, now_ms))
        return events

    def reject(
        self, instance: Instance, person: Person, task_id: str, comment: str, now_ms: int
    ) -> list[Event]:
        task = instance.pending_task(person, task_id)
        task.status, task.end_ms = "REJECTED", now_ms
        instance.timeline.append(Moment("REJECT", now_ms, person, task.id, comment))
        events = [self.task_event(instance, task, now_ms)]
        events += self._close_pending(instance, now_ms)
        instance.status, instance.end_ms = "REJECTED", now_ms
        events.append(self.instance_event(instance, now_ms))
        return events

    def cancel(self, instance: Instance, person: Person, now_ms: int) -> list[Event]:
        if person != instance.originator:
            raise ApprovalConflict(f"user {person.user_id} did not start this instance")
        if instance.status != "PENDING":
            raise ApprovalConflict(f"the instance is {instance.status}, not PENDING")
        instance.timeline.append(Moment("CANCEL", now_ms, person))
        # Whether Feishu pushes approval_task DONE on a cancellation is not documented
        # (UNCONFIRMED); the simulator does, as it does for a rejection.
        events = self._close_pending(instance, now_ms)
        instance.status, instance.end_ms = "CANCELED", now_ms
        events.append(self.instance_event(instance, now_ms))
        return events

    def _close_pending(self, instance: Instance, now_ms: int) -> list[Event]:
        events = []
        for other in instance.tasks:
            if other.status == "PENDING":
                other.status, other.end_ms = "DONE", now_ms
                events.append(self.task_event(instance, other, now_ms))
        return events

    # -- what Feishu pushes and returns ---------------------------------------------------

    def instance_event(self, instance: Instance, now_ms: int) -> Event:
        return {
            "app_id": self.settings.app_id,
            "tenant_key": self.settings.tenant_key,
            "type": "approval_instance",
            "approval_code": self.settings.approval_code,
            "instance_code": instance.instance_code,
            "status": instance.status,
            "operate_time": str(now_ms),
            "instance_operate_time": str(now_ms),
            "uuid": instance.uuid,
        }

    def task_event(self, instance: Instance, task: Task, now_ms: int) -> Event:
        return {
            "app_id": self.settings.app_id,
            "tenant_key": self.settings.tenant_key,
            "type": "approval_task",
            "approval_code": self.settings.approval_code,
            "instance_code": instance.instance_code,
            "task_id": task.id,
            "user_id": task.person.user_id,
            "open_id": task.person.open_id,
            "status": task.status,
            "operate_time": str(now_ms),
            "custom_key": "release_approvers",
            "def_key": node_id(self.settings),
            "extra": "",
        }

    def detail(self, instance: Instance) -> dict[str, Any]:
        """`data` of get-instance. Times are millisecond strings, "0" when not yet."""
        settings = self.settings
        return {
            "approval_code": settings.approval_code,
            "approval_name": settings.approval_name,
            "start_time": str(instance.start_ms),
            "end_time": str(instance.end_ms),
            "user_id": instance.originator.user_id,
            "open_id": instance.originator.open_id,
            "serial_number": instance.serial_number,
            "department_id": "",
            "status": instance.status,
            "uuid": instance.uuid,
            "form": exported_form(instance.form),
            "task_list": [self._task(task) for task in instance.tasks],
            "comment_list": [],
            "timeline": [_moment(moment) for moment in instance.timeline],
            "modified_instance_code": "",
            "reverted_instance_code": "",
            "reverted": False,
            "instance_code": instance.instance_code,
        }

    def _task(self, task: Task) -> dict[str, Any]:
        return {
            "id": task.id,
            "user_id": task.person.user_id,
            "open_id": task.person.open_id,
            "status": task.status,
            "node_id": node_id(self.settings),
            "node_name": APPROVAL_NODE_NAME,
            "custom_node_id": "release_approvers",
            "type": "AND",
            "start_time": str(task.start_ms),
            "end_time": str(task.end_ms),
        }


def _moment(moment: Moment) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": moment.type,
        "create_time": str(moment.create_ms),
        "user_id": moment.person.user_id,
        "open_id": moment.person.open_id,
        "ext": "{}",
        "node_key": "",
    }
    if moment.task_id:
        entry["task_id"] = moment.task_id
    if moment.comment:
        entry["comment"] = moment.comment
    return entry
