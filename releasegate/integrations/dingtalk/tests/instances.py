"""DingTalk approval instances in-process, for the tests of what DingTalk's answers mean
(the client and the simulator have their own tests over sockets): a client answering
from a dict behind the real `DingTalkApprovals`."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from releasegate.integrations.dingtalk.approvals import DingTalkApprovals
from releasegate.integrations.dingtalk.client import DingTalkClient
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
from releasegate.releases.approvals.ports import ApprovalSource
from releasegate.releases.ingest import ingest_approval
from releasegate.releases.models import Release
from releasegate.releases.tests.approvals import ORDER_FORM

# The release form's process code in the test settings.
PROCESS_CODE = "PROC-RELEASEGATE-DEMO"


def dingtalk_instance(
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
    """An instance as DingTalk's API describes it, created an hour before `decided_at`
    and, when COMPLETED, finished at it. `decided_at` is the clock's now unless given."""
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


def revoked_by_an_attached_instance(
    client: FakeDingTalkClient, *, status: InstanceStatus, result: InstanceResult
) -> None:
    """The approved instance stays COMPLETED + agree, bizAction NONE, and lists the
    revocation, which carries bizAction REVOKE (how the simulator shows it)."""
    client.instances["revocation-1"] = dataclasses.replace(
        dingtalk_instance("revocation-1", status=status, result=result),
        biz_action=BizAction.REVOKE,
        main_process_instance_id="inst-1",
    )
    client.instances["inst-1"] = dataclasses.replace(
        dingtalk_instance(), attached_process_instance_ids=("revocation-1",)
    )


class FakeDingTalkClient:
    """The reading half of `DingTalkClient`, answering from a dict."""

    def __init__(self, *instances: ApprovalInstance) -> None:
        self.instances = {i.instance_id: i for i in instances}
        self.calls = 0
        # Instances of another approval form (not in the release form's list).
        self.foreign: set[str] = set()
        self._lock = threading.Lock()

    def get_instance(self, instance_id: str) -> ApprovalInstance:
        with self._lock:
            self.calls += 1
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
        wanted = {str(status) for status in statuses} if statuses is not None else None
        return [
            i.instance_id
            for i in self.instances.values()
            if i.instance_id not in self.foreign
            and (wanted is None or i.status.value in wanted)
            and i.create_time is not None
            and start_ms <= int(i.create_time.timestamp() * 1000) <= (end_ms or 2**62)
        ]


def approvals(client: FakeDingTalkClient) -> DingTalkApprovals:
    """The real DingTalk approval source, reading through `client`."""
    reading: DingTalkClient = client  # type: ignore[assignment]  # the reading half only
    return DingTalkApprovals(reading, PROCESS_CODE, settings.CONFIG.options.form)


def approved_release(instance_id: str = "inst-1") -> Release:
    """A release of a DingTalk approval, as ingest makes it."""
    source = approvals(FakeDingTalkClient(dingtalk_instance(instance_id)))
    outcome = ingest_approval(source, instance_id, via="event", form_vouched=True)
    assert outcome.release_id is not None
    return Release.objects.get(pk=outcome.release_id)


def dingtalk_sources(client: DingTalkClient) -> dict[str, ApprovalSource]:
    """The platforms the inbox asks: DingTalk, through `client`."""
    return {"dingtalk": DingTalkApprovals(client, PROCESS_CODE, settings.CONFIG.options.form)}
