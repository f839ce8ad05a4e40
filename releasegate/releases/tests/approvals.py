"""Approvals for the domain's own tests: an approval platform answering from a dict, in
the port's words (each platform's client and simulator have their own tests over
sockets; this is the domain's logic in-process, without the wire)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from releasegate.releases.approvals.errors import ActionRefused, ApprovalNotFound
from releasegate.releases.approvals.instance import (
    ApprovalInstance,
    ApprovalStatus,
    ApproverTask,
    TaskDecision,
)
from releasegate.releases.approvals.ports import ApprovalSource, Decision, ReleaseRequest
from releasegate.releases.form import read_form
from releasegate.releases.requests import form_values

# The test platform's name and its release form.
PROVIDER = "fake"
RELEASE_FORM = "RELEASE-FORM"

ORDER_FORM = {
    "项目名称": "商城 (mall)",
    "应用名称": "订单服务 (mall/order-service)",
    "发布类型": "灰度",
    "发布时间": "",
    "是否有数据库变更": "否",
    "数据库变更是否完成": "",
    "分支或标签": "v3.7.2",
}
_WORDS = {
    ApprovalStatus.PENDING: "RUNNING",
    ApprovalStatus.APPROVED: "COMPLETED agree",
    ApprovalStatus.REFUSED: "COMPLETED refuse",
    ApprovalStatus.WITHDRAWN: "TERMINATED",
    ApprovalStatus.DELETED: "DELETED",
}
_DECISIONS = {
    ApprovalStatus.APPROVED: TaskDecision.APPROVED,
    ApprovalStatus.REFUSED: TaskDecision.REFUSED,
    ApprovalStatus.PENDING: TaskDecision.PENDING,
}


def instance(
    instance_id: str = "inst-1",
    *,
    status: ApprovalStatus = ApprovalStatus.APPROVED,
    form: Mapping[str, str] = ORDER_FORM,
    originator: str = "zhangsan",
    approvers: tuple[str, ...] = ("lisi", "wangwu"),
    taken_back_by: str = "",
    decided_at: datetime | None = None,
) -> ApprovalInstance:
    """An approval of the release form, created an hour before `decided_at` and, unless
    still pending, decided at it. `decided_at` is the clock's now unless given: a test
    that injects its own now passes one derived from it, so that the approval's times and
    the test's now (a look-back window, a latency) agree on any day."""
    at = decided_at or timezone.now()
    created = at - timedelta(hours=1)
    decided = status is not ApprovalStatus.PENDING
    decision = _DECISIONS.get(status, TaskDecision.OTHER)
    finished = at if decided else None
    return ApprovalInstance(
        provider=PROVIDER,
        instance_id=instance_id,
        status=status,
        provider_status=_WORDS[status] + (" REVOKE" if taken_back_by else ""),
        title=f"{originator}提交的发布申请",
        originator_user_id=originator,
        approvers=approvers,
        approved_by=approvers if status is ApprovalStatus.APPROVED else (),
        tasks=tuple(
            ApproverTask(user, decision, task_id=str(n + 1), decided_at=finished)
            for n, user in enumerate(approvers)
        ),
        taken_back=bool(taken_back_by),
        taken_back_by=taken_back_by if taken_back_by != instance_id else "",
        form=tuple(form.items()),
        request=read_form(form, settings.CONFIG.options.form),
        form_code=RELEASE_FORM,
        created_at=created,
        finished_at=finished,
    )


class FakeApprovals:
    """An approval source answering from a dict, counting the calls it was asked."""

    provider = PROVIDER
    release_form = RELEASE_FORM

    def __init__(self, *instances: ApprovalInstance) -> None:
        self.instances = {i.instance_id: i for i in instances}
        self.calls = 0
        self.failure: Exception | None = None
        # Approvals of another form (not the release form).
        self.foreign: set[str] = set()
        self.form_checks = 0
        self.started: list[tuple[str, ReleaseRequest]] = []
        self.decisions: list[tuple[str, str, str, Decision]] = []
        self._lock = threading.Lock()

    def get_instance(self, instance_id: str) -> ApprovalInstance:
        with self._lock:
            self.calls += 1
        if self.failure is not None:
            raise self.failure
        found = self.instances.get(instance_id)
        if found is None:
            raise not_found(instance_id)
        return found

    def changed_since(self, since: datetime, until: datetime) -> list[str]:
        """The finished approvals created in the window (as DingTalk lists them)."""
        return [
            i.instance_id
            for i in self.instances.values()
            if i.status is not ApprovalStatus.PENDING
            and i.created_at is not None
            and since <= i.created_at <= until
        ]

    def is_release_form(self, instance: ApprovalInstance) -> bool:
        with self._lock:
            self.form_checks += 1
        return instance.instance_id not in self.foreign

    def start(self, originator_user_id: str, request: ReleaseRequest) -> str:
        instance_id = f"started-{len(self.started) + 1}"
        self.started.append((originator_user_id, request))
        values = dict(form_values(request, settings.CONFIG.options.form))
        self.instances[instance_id] = instance(
            instance_id, status=ApprovalStatus.PENDING, form=values, originator=originator_user_id
        )
        return instance_id

    def act(
        self, instance_id: str, task_id: str, approver_user_id: str, decision: Decision, remark: str
    ) -> None:
        found = self.get_instance(instance_id)
        mine = [t for t in found.tasks if t.task_id == task_id and t.user_id == approver_user_id]
        if not mine or mine[0].decision is not TaskDecision.PENDING:
            raise ActionRefused(
                f"not {approver_user_id}'s open task", service=PROVIDER, permanent=True
            )
        self.decisions.append((instance_id, task_id, approver_user_id, decision))


def not_found(instance_id: str) -> ApprovalNotFound:
    return ApprovalNotFound(f"no approval {instance_id}", service=PROVIDER, permanent=True)


def sources(source: ApprovalSource) -> dict[str, ApprovalSource]:
    """The platforms a worker or the inbox asks: just `source`."""
    return {source.provider: source}
