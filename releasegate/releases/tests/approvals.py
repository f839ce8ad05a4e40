"""Approval instances for ingest's own tests: ingest's logic in-process, without the wire
(the DingTalk client and simulator have their own tests over sockets)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.utils import timezone

from releasegate.integrations.dingtalk.errors import NotFound
from releasegate.integrations.dingtalk.models import (
    ApprovalInstance,
    ApprovalTask,
    BizAction,
    FormValue,
    InstanceResult,
    InstanceStatus,
    OperationRecord,
)

# The release form's process code in the test settings.
PROCESS_CODE = "PROC-RELEASEGATE-DEMO"

ORDER_FORM = {
    "项目名称": "商城 (mall)",
    "应用名称": "订单服务 (mall/order-service)",
    "发布类型": "灰度",
    "发布时间": "",
    "是否有数据库变更": "否",
    "数据库变更是否完成": "",
    "分支或标签": "v3.7.2",
}


def instance(
    instance_id: str = "inst-1",
    *,
    status: InstanceStatus = InstanceStatus.COMPLETED,
    result: InstanceResult = InstanceResult.AGREE,
    form: Mapping[str, str] = ORDER_FORM,
    originator: str = "zhangsan",
    approvers: tuple[str, ...] = ("lisi", "wangwu"),
    biz_action: BizAction = BizAction.NONE,
    decided_at: datetime | None = None,
) -> ApprovalInstance:
    """An instance of the release form, created an hour before `decided_at` and, when
    COMPLETED, finished at it. `decided_at` is the clock's now unless given: a test that
    injects its own now passes one derived from it, so that the approval's times and the
    test's now (a look-back window, a latency) agree on any day."""
    decided = status is InstanceStatus.COMPLETED
    at = decided_at or timezone.now()
    return ApprovalInstance(
        instance_id=instance_id,
        title=f"{originator}提交的发布申请",
        status=status,
        result=result,
        originator_user_id=originator,
        create_time=at - timedelta(hours=1),
        finish_time=at if decided else None,
        biz_action=biz_action,
        form=tuple(FormValue(name, value) for name, value in form.items()),
        operation_records=tuple(
            OperationRecord(user, "EXECUTE_TASK_NORMAL", "AGREE" if decided else "NONE")
            for user in approvers
        ),
        tasks=tuple(
            ApprovalTask(
                i + 1, user, "COMPLETED" if decided else "RUNNING", "AGREE" if decided else ""
            )
            for i, user in enumerate(approvers)
        ),
    )


class FakeDingTalk:
    """An ApprovalSource answering from a dict, counting the calls it was asked."""

    def __init__(self, *instances: ApprovalInstance) -> None:
        self.instances = {i.instance_id: i for i in instances}
        self.calls = 0
        self.failure: Exception | None = None
        # Instances of another approval form (not in the release form's list).
        self.foreign: set[str] = set()
        self._lock = threading.Lock()

    def get_instance(self, instance_id: str) -> ApprovalInstance:
        with self._lock:
            self.calls += 1
        if self.failure is not None:
            raise self.failure
        found = self.instances.get(instance_id)
        if found is None:
            raise NotFound(f"processInstanceNotExist: {instance_id}", status=400)
        return found

    def list_instance_ids(
        self,
        process_code: str,
        start_ms: int,
        end_ms: int | None = None,
        statuses: Iterable[str] | None = None,
    ) -> list[str]:
        """Every instance created in the window is of the release form, unless it was
        made `foreign`."""
        wanted = set(statuses) if statuses is not None else None
        return [
            i.instance_id
            for i in self.instances.values()
            if i.instance_id not in self.foreign
            and (wanted is None or i.status.value in wanted)
            and i.create_time is not None
            and start_ms <= int(i.create_time.timestamp() * 1000) <= (end_ms or 2**62)
        ]
