"""Releases as rows, for the pages that list and filter them (the engine that writes
them has its own tests over the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from releasegate.releases.models import Approval, Release, ReleaseState


def stored_release(
    instance_id: str,
    *,
    received_at: datetime,
    state: ReleaseState = ReleaseState.SUCCEEDED,
    project: str = "mall",
    application: str = "mall/order-service",
    originator: str = "zhangsan",
    approvers: tuple[str, ...] = ("lisi", "wangwu"),
    **fields: Any,
) -> Release:
    approval = Approval.objects.create(
        provider="dingtalk",
        instance_id=instance_id,
        status="approved",
        provider_status="COMPLETED agree",
        originator_user_id=originator,
        approver_user_ids=list(approvers),
        approved_by=list(approvers),
        first_seen_at=received_at,
        refreshed_at=received_at,
    )
    return Release.objects.create(
        approval=approval,
        state=state,
        project_key=project,
        application_name=application,
        originator_user_id=originator,
        approver_user_ids=list(approvers),
        received_via="event",
        received_at=received_at,
        updated_at=received_at,
        **fields,
    )
