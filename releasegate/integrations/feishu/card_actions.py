"""A click on a decision card's button (`card.action.trigger`, reference §A4), answered
with a toast and the card as it now stands, within Feishu's 3 s.

The click arrives authenticated (events.py checks it as every event) but its button's
`value` is only a hint: Feishu is asked about the instance, and the task is decided
through `approval/v4/tasks/approve|reject` only when the person who clicked is that
task's approver and both the task and the instance are still PENDING. This is a power the
app holds over every approval it can see, so nothing else is taken as a reason to act.

Each click is kept once, by its `event_id`, as an inbox row (`via="card"`, processed on
arrival): Feishu delivers a callback again when an answer was lost, and a second delivery
only shows the card as it stands. The rows are the clicks' record; the release made from
the approval shows them in its timeline (releases/ingest.py), and a click on an approval
that already has a release is written to its timeline at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from releasegate.integrations.feishu import errors
from releasegate.integrations.feishu.approvals import PROVIDER, FeishuApprovals
from releasegate.integrations.feishu.cards import APPROVE, REJECT, decision_card, sent_body
from releasegate.lib.http import OutboundError
from releasegate.releases.approvals.errors import ApprovalNotFound
from releasegate.releases.approvals.instance import ApprovalInstance, ApprovalStatus, TaskDecision
from releasegate.releases.approvals.ports import Decision
from releasegate.releases.models import InboundEvent, Release
from releasegate.releases.transitions import record

logger = logging.getLogger("releasegate.feishu.cards")

EVENT_TYPE = "card.action.trigger"
# What Feishu keeps as the approver's comment (审批意见) on a task decided from a card.
REMARKS = {APPROVE: "在飞书卡片中同意", REJECT: "在飞书卡片中拒绝"}
_DONE = {APPROVE: ("approved", "你已同意"), REJECT: ("refused", "你已拒绝")}


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Operator(_Model):
    open_id: str = Field(min_length=1, max_length=128)


class _Value(_Model):
    action: str = Field(pattern=f"^({APPROVE}|{REJECT})$")
    instance: str = Field(min_length=1, max_length=128)
    task: str = Field(min_length=1, max_length=128)


class _Action(_Model):
    value: _Value


class _Event(_Model):
    operator: _Operator
    action: _Action


class _Header(_Model):
    event_id: str = Field(min_length=1, max_length=128)


class _Callback(_Model):
    header: _Header
    event: _Event


@dataclass(frozen=True)
class Click:
    event_id: str
    operator: str
    action: str
    instance_id: str
    task_id: str


def is_card_action(message: dict[str, Any]) -> bool:
    header = message.get("header")
    return isinstance(header, dict) and header.get("event_type") == EVENT_TYPE


def answer_click(
    message: dict[str, Any], approvals: FeishuApprovals, now: datetime
) -> dict[str, Any]:
    """Act on an authenticated click if it may be acted on; the answer for Feishu (a
    toast, and the card unless nothing about it can be said)."""
    try:
        parsed = _Callback.model_validate(message)
    except ValidationError:
        # Not one of our cards' buttons: nothing to decide, and nothing to change.
        return _toast("error", "这张卡片的按钮无法识别，未做任何操作")
    value = parsed.event.action.value
    click = Click(
        parsed.header.event_id,
        parsed.event.operator.open_id,
        value.action,
        value.instance,
        value.task,
    )
    if not _claim(click, now):
        return _as_it_stands(click, approvals, "这次点击已处理过，未重复操作")
    try:
        answer, outcome = _decide(click, approvals)
    except (OutboundError, ApprovalNotFound) as exc:
        logger.warning("a decision card click could not be acted on now: %s", exc)
        # Given back: Feishu's retry of this callback, or another click, may act.
        InboundEvent.objects.filter(provider=PROVIDER, delivery_id=click.event_id).delete()
        return _toast("error", "暂时无法连接飞书审批，请稍后再试")
    _remember(click, outcome, now)
    return answer


def _claim(click: Click, now: datetime) -> bool:
    """Keep the click by its event id; False when it was kept already."""
    if InboundEvent.objects.filter(provider=PROVIDER, delivery_id=click.event_id).exists():
        return False
    InboundEvent.objects.create(
        provider=PROVIDER,
        via="card",
        event_type=EVENT_TYPE,
        delivery_id=click.event_id,
        instance_id=click.instance_id,
        payload={"operator": click.operator, "action": click.action, "task_id": click.task_id},
        received_at=now,
        processed_at=now,
        outcome="deciding",
    )
    return True


def _decide(click: Click, approvals: FeishuApprovals) -> tuple[dict[str, Any], str]:
    """Decide the task if the click may; the answer and what was done. Raises the
    client's error when Feishu cannot be asked."""
    instance = approvals.get_instance(click.instance_id)
    task = next((t for t in instance.tasks if t.task_id == click.task_id), None)
    if task is None or task.user_id != click.operator:
        why = "只有这项审批任务的审批人才能在此决定，本次点击未生效"
        return _card(instance, click, why, "error"), "not the task's approver: nothing done"
    if task.decision is not TaskDecision.PENDING or instance.status is not ApprovalStatus.PENDING:
        why = f"这项审批已不在等待你的决定（{instance.provider_status}），本次点击未生效"
        return _card(instance, click, why, "info"), "no longer pending: nothing done"
    decision = Decision.APPROVE if click.action == APPROVE else Decision.REFUSE
    try:
        approvals.act(
            click.instance_id, click.task_id, click.operator, decision, REMARKS[click.action]
        )
    except errors.TaskRefused as refused:
        why = f"飞书审批拒绝了这次决定：{refused.message[:200]}"
        return _card(instance, click, why, "error"), f"Feishu refused: {refused.message}"[:200]
    state, said = _DONE[click.action]
    body = sent_body(instance, click.task_id)
    card = decision_card(instance, click.task_id, outcome=said, state=state, body=body)
    answer = {"toast": {"type": "success", "content": said}, "card": _raw(card)}
    return answer, f"{decision.value}d through Feishu's API"


def _card(instance: ApprovalInstance, click: Click, why: str, kind: str) -> dict[str, Any]:
    """The card as the task now stands, saying why the click did nothing."""
    task = next((t for t in instance.tasks if t.task_id == click.task_id), None)
    pending = task is not None and task.decision is TaskDecision.PENDING
    open_now = pending and instance.status is ApprovalStatus.PENDING
    state = "pending" if open_now else _state(task.decision if task else None)
    body = sent_body(instance, click.task_id)
    card = decision_card(instance, click.task_id, outcome=why, state=state, body=body)
    return {"toast": {"type": kind, "content": why}, "card": _raw(card)}


def _state(decision: TaskDecision | None) -> str:
    if decision is TaskDecision.APPROVED:
        return "approved"
    if decision is TaskDecision.REFUSED:
        return "refused"
    return "closed"


def _as_it_stands(click: Click, approvals: FeishuApprovals, why: str) -> dict[str, Any]:
    try:
        instance = approvals.get_instance(click.instance_id)
    except (OutboundError, ApprovalNotFound):
        return _toast("info", why)
    return _card(instance, click, why, "info")


def _remember(click: Click, outcome: str, now: datetime) -> None:
    """The click's outcome on its row, and in the release's timeline when there is one.
    The approval the click decided may have become a release while Feishu was asked (its
    events come at once), and that release then recorded the click as still deciding:
    its entry is completed rather than written twice."""
    reason = f"{click.action} clicked on a decision card: {outcome}"
    with transaction.atomic():
        InboundEvent.objects.filter(provider=PROVIDER, delivery_id=click.event_id).update(
            outcome=outcome[:200]
        )
        release = Release.objects.filter(
            approval__provider=PROVIDER, approval__instance_id=click.instance_id
        ).first()
        if release is None:
            return
        recorded = release.events.filter(kind="card-click", details__event_id=click.event_id)
        if recorded.update(reason=reason):
            return
        record(
            release,
            "card-click",
            actor=f"{PROVIDER}:{click.operator}",
            now=now,
            reason=reason,
            details={"action": click.action, "task_id": click.task_id, "event_id": click.event_id},
        )


def _raw(card: dict[str, Any]) -> dict[str, Any]:
    return {"type": "raw", "data": card}


def _toast(kind: str, content: str) -> dict[str, Any]:
    return {"toast": {"type": kind, "content": content}}
