"""Approval instances and how they move, as DingTalk shows them.

An instance runs through a chain of approver steps. Each step is one user (NONE), all of
its users (AND, 会签) or any one of them (OR, 或签). Agreeing finishes the user's task; the
last step's agreement ends the instance COMPLETED + agree; a refusal ends it at once
COMPLETED + refuse; the originator's revocation ends it TERMINATED with no result. Every
change returns the events DingTalk would push (`bpms_instance_change`, `bpms_task_change`)
in their order; the event push (pushes.py) and Stream mode (stream/) deliver them.

An approved instance can later be revoked by its originator (reference section 7: "it
creates an *attached* instance; check attachedProcessInstanceIds / bizAction"). Here the
revocation is its own instance, bizAction REVOKE, mainProcessInstanceId naming the
approved one, which lists it in attachedProcessInstanceIds and otherwise stays COMPLETED
+ agree (where DingTalk shows the change on the main instance is not documented, so a
client must follow the link). The revocation needs no approval in this simulated flow:
it ends COMPLETED + agree at once.
"""

from __future__ import annotations

import itertools
import secrets
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from releasegate.simulators.dingtalk.settings import OrgUser
from releasegate.simulators.dingtalk.wire import CHINA, ms

ActionType = Literal["AND", "OR", "NONE"]
Event = dict[str, Any]


class ApprovalConflict(Exception):
    """The action does not fit the instance's state (no running task for that user...)."""


@dataclass
class Step:
    action_type: ActionType
    user_ids: tuple[str, ...]
    activity_id: str = field(default_factory=lambda: f"sid-{secrets.token_hex(6)}")


@dataclass
class Task:
    task_id: int
    user_id: str
    step: int
    activity_id: str
    create_time: float
    # RUNNING while waiting; COMPLETED once acted on; CANCELED when another approver of an
    # OR step acted or the step was refused; TERMINATED when the originator revoked.
    status: str = "RUNNING"
    result: str = ""
    finish_time: float | None = None


@dataclass
class Record:
    user_id: str
    type: str
    result: str
    date: float
    remark: str = ""
    activity_id: str = ""
    show_name: str = ""


@dataclass
class Instance:
    instance_id: str
    process_code: str
    title: str
    originator: OrgUser
    dept_id: str
    dept_name: str
    form: list[tuple[str, str, str, str]]  # (label, value, component id, component type)
    steps: list[Step]
    started_via_api: bool
    cc_user_ids: list[str]
    business_id: str
    create_time: float
    url: str
    status: str = "RUNNING"
    result: str = ""
    finish_time: float | None = None
    current_step: int = 0
    tasks: list[Task] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    # The connector node after the last approver, as the flow was when the instance
    # started: "none", "sync" or "async" (forms/connector_node.py). A synchronous node holds
    # the instance RUNNING, `awaiting_node`, until it answers.
    connector_node: str = "none"
    awaiting_node: bool = False
    # A change after approval (REVOKE) is its own instance linked both ways.
    biz_action: str = "NONE"
    main_instance_id: str = ""
    attached_instance_ids: list[str] = field(default_factory=list)

    @property
    def running_tasks(self) -> list[Task]:
        return [task for task in self.tasks if task.status == "RUNNING"]

    def waiting_on(self) -> list[str]:
        return [task.user_id for task in self.running_tasks]


class Approvals:
    """Every instance of the simulated organisation. Callers hold the world lock."""

    def __init__(self, corp_id: str) -> None:
        self.corp_id = corp_id
        self.instances: dict[str, Instance] = {}
        self._task_ids = itertools.count(61_000_000_001)
        self._serials = itertools.count(1)
        self._biz_ids = itertools.count(1)

    def business_id(self, now: float) -> str:
        """An approval number like DingTalk's: the start minute (China time) and a serial."""
        return datetime.fromtimestamp(now, tz=CHINA).strftime("%Y%m%d%H%M") + (
            f"{next(self._serials):06d}"
        )

    def start(self, instance: Instance, now: float) -> list[Event]:
        self.instances[instance.instance_id] = instance
        instance.records.append(
            Record(instance.originator.user_id, "START_PROCESS_INSTANCE", "NONE", now)
        )
        events = [self._instance_event(instance, "start", now)]
        return events + self._enter_step(instance, 0, now)

    def agree(self, instance: Instance, user_id: str, remark: str, now: float) -> list[Event]:
        task = self._running_task(instance, user_id)
        events = self._finish_task(instance, task, "AGREE", remark, now)
        step = instance.steps[task.step]
        others = [t for t in instance.running_tasks if t.step == task.step]
        if step.action_type == "OR":
            events += self._close_tasks(instance, others, "CANCELED", now)
        elif others:
            return events  # AND: the step waits for the rest.
        return events + self._enter_step(instance, task.step + 1, now)

    def refuse(self, instance: Instance, user_id: str, remark: str, now: float) -> list[Event]:
        task = self._running_task(instance, user_id)
        events = self._finish_task(instance, task, "REFUSE", remark, now)
        events += self._close_tasks(instance, instance.running_tasks, "CANCELED", now)
        return events + self._end(instance, "COMPLETED", "refuse", now)

    def terminate(self, instance: Instance, user_id: str, remark: str, now: float) -> list[Event]:
        """The originator revokes (撤销) a running instance."""
        if instance.status != "RUNNING":
            raise ApprovalConflict(f"instance {instance.instance_id} is {instance.status}")
        if user_id != instance.originator.user_id:
            raise ApprovalConflict(f"only the originator may revoke, not {user_id}")
        self._close_tasks(instance, instance.running_tasks, "TERMINATED", now)
        instance.records.append(
            Record(user_id, "TERMINATE_PROCESS_INSTANCE", "NONE", now, remark=remark)
        )
        return self._end(instance, "TERMINATED", "", now)

    def revoke(self, instance: Instance, user_id: str, remark: str, now: float) -> list[Event]:
        """The originator revokes an instance already approved: a new, attached instance
        with bizAction REVOKE, started and (needing no approval here) agreed at once."""
        if (instance.status, instance.result) != ("COMPLETED", "agree"):
            raise ApprovalConflict(
                f"instance {instance.instance_id} is {instance.status} {instance.result}".strip()
                + "; only an approved instance can be revoked (a running one is terminated)"
            )
        if instance.main_instance_id or instance.attached_instance_ids:
            raise ApprovalConflict(f"instance {instance.instance_id} was already changed")
        if user_id != instance.originator.user_id:
            raise ApprovalConflict(f"only the originator may revoke, not {user_id}")
        revocation_id = str(uuid.uuid4())
        revocation = replace(
            instance,
            instance_id=revocation_id,
            title=f"撤销：{instance.title}",
            steps=[],
            business_id=self.business_id(now),
            create_time=now,
            url=instance.url.replace(instance.instance_id, revocation_id),
            status="RUNNING",
            result="",
            finish_time=None,
            tasks=[],
            records=[],
            connector_node="none",
            awaiting_node=False,
            biz_action="REVOKE",
            main_instance_id=instance.instance_id,
            attached_instance_ids=[],
        )
        instance.attached_instance_ids.append(revocation_id)
        # With no approver steps, starting it ends it COMPLETED + agree.
        events = self.start(revocation, now)
        revocation.records[0].remark = remark
        return events

    def node_answered(self, instance: Instance, ok: bool, now: float) -> list[Event]:
        """The synchronous connector node's outcome: the flow goes on to its end, or
        stops ("如果调用失败或超时，审批流将终止执行"; shown as TERMINATED, UNCONFIRMED).
        Nothing happens to an instance no longer waiting (revoked meanwhile)."""
        if not instance.awaiting_node or instance.status != "RUNNING":
            return []
        instance.awaiting_node = False
        if ok:
            return self._end(instance, "COMPLETED", "agree", now)
        return self._end(instance, "TERMINATED", "", now)

    # -- steps and tasks ----------------------------------------------------------

    def _enter_step(self, instance: Instance, index: int, now: float) -> list[Event]:
        if index >= len(instance.steps):
            if instance.connector_node == "sync":
                instance.awaiting_node = True
                return []
            return self._end(instance, "COMPLETED", "agree", now)
        instance.current_step = index
        step = instance.steps[index]
        events = []
        for user_id in step.user_ids:
            task = Task(next(self._task_ids), user_id, index, step.activity_id, now)
            instance.tasks.append(task)
            events.append(self._task_event(instance, task, "start", now))
        return events

    def _running_task(self, instance: Instance, user_id: str) -> Task:
        if instance.status != "RUNNING":
            raise ApprovalConflict(f"instance {instance.instance_id} is {instance.status}")
        for task in instance.running_tasks:
            if task.user_id == user_id:
                return task
        waiting = ", ".join(instance.waiting_on()) or "nobody"
        raise ApprovalConflict(f"{user_id} has no running task; waiting on {waiting}")

    def _finish_task(
        self, instance: Instance, task: Task, result: str, remark: str, now: float
    ) -> list[Event]:
        task.status, task.result, task.finish_time = "COMPLETED", result, now
        instance.records.append(
            Record(
                task.user_id,
                "EXECUTE_TASK_NORMAL",
                result,
                now,
                remark=remark,
                activity_id=task.activity_id,
                show_name="审批人",
            )
        )
        return [
            self._task_event(instance, task, "finish", now, result=result.lower(), remark=remark)
        ]

    def _close_tasks(
        self, instance: Instance, tasks: list[Task], status: str, now: float
    ) -> list[Event]:
        """End tasks nobody acted on; OR-step cancellations are pushed as `cancel`."""
        events = []
        for task in tasks:
            task.status, task.finish_time = status, now
            if status == "CANCELED":
                events.append(self._task_event(instance, task, "cancel", now))
        return events

    def _end(self, instance: Instance, status: str, result: str, now: float) -> list[Event]:
        instance.status, instance.result, instance.finish_time = status, result, now
        kind = "terminate" if status == "TERMINATED" else "finish"
        return [self._instance_event(instance, kind, now, result=result)]

    # -- event payloads (HTTP push plaintext, reference section 3.2) ----------------

    def _envelope(self, instance: Instance, event_type: str, now: float) -> Event:
        return {
            "EventType": event_type,
            "EventTime": ms(now),
            "CorpId": self.corp_id,
            # "无业务意义，幂等": unique per event.
            "BizId": f"{ms(now)}{next(self._biz_ids):04d}",
            "eventId": secrets.token_hex(16),
            "processInstanceId": instance.instance_id,
            "processCode": instance.process_code,
            "bizCategoryId": "",
            "businessId": instance.business_id,
            "title": instance.title,
        }

    def _instance_event(
        self, instance: Instance, kind: str, now: float, *, result: str = ""
    ) -> Event:
        event = self._envelope(instance, "bpms_instance_change", now)
        event.update(
            type=kind,
            createTime=ms(instance.create_time),
            businessType="",
            url=instance.url,
            staffId=instance.originator.user_id,
        )
        if kind != "start":
            event["finishTime"] = ms(now)
        if result:
            event["result"] = result
        return event

    def _task_event(
        self,
        instance: Instance,
        task: Task,
        kind: str,
        now: float,
        *,
        result: str = "",
        remark: str = "",
    ) -> Event:
        event = self._envelope(instance, "bpms_task_change", now)
        event.update(type=kind, taskId=task.task_id, staffId=task.user_id)
        event["createTime"] = ms(task.create_time)
        if kind != "start":
            event["finishTime"] = ms(now)
        if result:
            event["result"] = result
        if remark:
            event["remark"] = remark
        return event
