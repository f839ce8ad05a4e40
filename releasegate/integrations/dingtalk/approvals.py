"""DingTalk behind the approval port: its instances in the domain's words, its listing,
its form's membership, starting an instance on a person's behalf and deciding a task.

DingTalk files a revocation or modification made after approval as its own, attached
instance (reference section 7): `get_instance` answers the approved instance it changes,
taken back when such a change stands.
"""

from __future__ import annotations

from datetime import datetime

from releasegate.config import FormMapping
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.errors import InvalidRequest, NotFound, TaskRefused
from releasegate.integrations.dingtalk.models import (
    ApprovalInstance as DingTalkInstance,
)
from releasegate.integrations.dingtalk.models import (
    ApprovalTask,
    BizAction,
    InstanceResult,
    InstanceStatus,
)
from releasegate.releases.approvals.instance import (
    ApprovalInstance,
    ApprovalStatus,
    ApproverTask,
    Link,
    TaskDecision,
)
from releasegate.releases.approvals.ports import Decision, ReleaseRequest
from releasegate.releases.form import read_form
from releasegate.releases.requests import form_values

PROVIDER = "dingtalk"
# How far around an instance's creation time to look for it in its form's list.
_MEMBERSHIP_WINDOW_MS = 5 * 60 * 1000
_TASK_DECISIONS = {"AGREE": TaskDecision.APPROVED, "REFUSE": TaskDecision.REFUSED}


class DingTalkApprovals:
    """The release form's approvals in one DingTalk app (the approval port's source)."""

    provider = PROVIDER

    def __init__(self, client: DingTalkClient, process_code: str, mapping: FormMapping) -> None:
        self.client = client
        self.process_code = process_code
        self.mapping = mapping

    @property
    def release_form(self) -> str:
        return self.process_code

    def get_instance(self, instance_id: str) -> ApprovalInstance:
        try:
            found = self.client.get_instance(instance_id)
            changes = [found] if found.main_process_instance_id else []
            if changes:
                # A change after approval is its own, attached instance; what it changes
                # is the main one, so that is the one to describe.
                found = self.client.get_instance(found.main_process_instance_id)
        except InvalidRequest as exc:
            # DingTalk refuses an id it cannot read: there is no such approval.
            raise NotFound(exc.message, status=exc.status, code=exc.code) from None
        return self.describe(found, self._taken_back(found, changes))

    def _taken_back(
        self, instance: DingTalkInstance, known: list[DingTalkInstance]
    ) -> DingTalkInstance | None:
        """The change after approval that takes `instance` back, if any. Where DingTalk
        shows a revocation on the approved instance itself is not documented (reference
        section 7), so besides its own bizAction every attached instance it lists is read.
        An attached instance DingTalk no longer has changes nothing."""
        if instance.biz_action is not BizAction.NONE:
            return instance
        if instance.status is not InstanceStatus.COMPLETED or (
            instance.result is not InstanceResult.AGREE
        ):
            return None
        fetched = {change.instance_id: change for change in known}
        for attached_id in instance.attached_process_instance_ids:
            change = fetched.get(attached_id)
            if change is None:
                try:
                    change = self.client.get_instance(attached_id)
                except NotFound:
                    continue
            if change.takes_back_approval:
                return change
        return None

    def describe(
        self, instance: DingTalkInstance, taken_back: DingTalkInstance | None = None
    ) -> ApprovalInstance:
        """The instance in the port's words; `taken_back` is the change that took it back."""
        words = [instance.status.value, instance.result.value]
        if taken_back is not None:
            words.append(taken_back.biz_action.value)
        form = tuple((field.name, field.value) for field in instance.form)
        return ApprovalInstance(
            provider=PROVIDER,
            instance_id=instance.instance_id,
            status=_status(instance),
            provider_status=" ".join(word for word in words if word),
            title=instance.title,
            originator_user_id=instance.originator_user_id,
            approvers=instance.approvers,
            approved_by=instance.agreed_by,
            tasks=tuple(_task(task) for task in instance.tasks),
            taken_back=taken_back is not None,
            taken_back_by=_changed_by(instance, taken_back),
            form=form,
            request=read_form(dict(form), self.mapping),
            created_at=instance.create_time,
            finished_at=instance.finish_time,
            links=_links(instance.tasks),
        )

    def changed_since(self, since: datetime, until: datetime) -> list[str]:
        """DingTalk lists a form's instances by start time only: the completed ones that
        started in the window (each listing call returns 20)."""
        return self.client.list_instance_ids(
            self.process_code, _ms(since), _ms(until), statuses=[InstanceStatus.COMPLETED]
        )

    def is_release_form(self, instance: ApprovalInstance) -> bool:
        """DingTalk's instance does not name its form: it is the release form's when the
        form's own list holds it (looked for around its creation time)."""
        if instance.created_at is None:
            return False
        created = _ms(instance.created_at)
        listed = self.client.list_instance_ids(
            self.process_code, created - _MEMBERSHIP_WINDOW_MS, created + _MEMBERSHIP_WINDOW_MS
        )
        return instance.instance_id in listed

    def start(self, originator_user_id: str, request: ReleaseRequest) -> str:
        values = form_values(request, self.mapping)
        return self.client.create_instance(self.process_code, originator_user_id, values)

    def act(
        self, instance_id: str, task_id: str, approver_user_id: str, decision: Decision, remark: str
    ) -> None:
        if not task_id.isdigit():
            # DingTalk's task ids are numbers (a JSON Long): this one is no task of it.
            raise TaskRefused(f"{task_id[:40]!r} is not a DingTalk task id")
        self.client.execute_task(
            instance_id,
            int(task_id),
            approver_user_id,
            agree=decision is Decision.APPROVE,
            remark=remark,
        )


def _status(instance: DingTalkInstance) -> ApprovalStatus:
    """DingTalk: "status为COMPLETED且result为agree时，表示审批单完结并审批通过"."""
    if instance.status in (InstanceStatus.NEW, InstanceStatus.RUNNING):
        return ApprovalStatus.PENDING
    if instance.status is InstanceStatus.COMPLETED:
        if instance.result is InstanceResult.AGREE:
            return ApprovalStatus.APPROVED
        if instance.result is InstanceResult.REFUSE:
            return ApprovalStatus.REFUSED
    # Terminated, cancelled, or completed with no result (as after a revocation).
    return ApprovalStatus.WITHDRAWN


def _changed_by(instance: DingTalkInstance, taken_back: DingTalkInstance | None) -> str:
    """The attached instance that took `instance` back ("" when it says so itself)."""
    if taken_back is None or taken_back is instance:
        return ""
    return taken_back.instance_id


def _task(task: ApprovalTask) -> ApproverTask:
    decision = _TASK_DECISIONS.get(task.result)
    if decision is None:
        open_ = task.status in ("NEW", "RUNNING", "PAUSED") and not task.result
        decision = TaskDecision.PENDING if open_ else TaskDecision.OTHER
    return ApproverTask(
        user_id=task.user_id,
        decision=decision,
        task_id=str(task.task_id),
        decided_at=task.finish_time,
    )


def _links(tasks: tuple[ApprovalTask, ...]) -> tuple[Link, ...]:
    """The approval's page in DingTalk, as its tasks give it (on the PC, on the phone)."""
    for task in tasks:
        if task.pc_url or task.mobile_url:
            found = [("钉钉（电脑）", task.pc_url), ("钉钉（手机）", task.mobile_url)]
            return tuple(Link(label, url) for label, url in found if url)
    return ()


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
