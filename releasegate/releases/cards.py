"""Acting on an approver's task from a card in their chat, whatever the platform.

`clicked` is the whole of a click: record it, check that the person who clicked is the
card's approver, take the card (one click acts, a second or a retried one does not),
re-read the approval from the platform, act on the task as its approver only while it is
still theirs and open, and record what came of it. Nothing is trusted from the click
but who clicked (the platform says it) and which button; the task and approval are ours,
looked up by the card's id.

Each click is in the approval's release timeline: at once when the release exists, and
otherwise when it is made (`timeline_entries`, from ingest). So is each card sent: a
platform keeps a sent card as a `Notification` of a card kind whose `reference` names its
task (`card_reference`), and the release takes those as its own when it is made
(`attach_sent_cards`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from releasegate.lib.http import OutboundError
from releasegate.releases.approvals.errors import ActionRefused
from releasegate.releases.approvals.instance import TaskDecision
from releasegate.releases.approvals.ports import ApprovalSource, Decision
from releasegate.releases.models import (
    ApprovalCard,
    CardClick,
    CardState,
    Notification,
    Release,
)
from releasegate.releases.transitions import record

logger = logging.getLogger("releasegate.cards")

ACTIONS = {"agree": Decision.APPROVE, "refuse": Decision.REFUSE}
# DingTalk asks for a remark with a refusal; both say where the decision was made.
REMARKS = {"agree": "在卡片中同意", "refuse": "在卡片中拒绝"}
NOT_YOURS = "不是你的审批任务，未做任何操作"
GONE = "该审批任务已不在等待你处理（已在别处处理或审批已结束），未做任何操作"
BUSY = "暂时无法处理，请稍后再试"
DONE = {"agree": "你已在卡片中同意", "refuse": "你已在卡片中拒绝"}
# A sent card kept as a notification: one whose buttons decide the task (Feishu), or one
# that opens the approval where the platform cannot act on it (WeCom).
DECISION_CARD, APPROVAL_CARD = "decision_card", "approval_card"
CARD_KINDS = (DECISION_CARD, APPROVAL_CARD)


class UnknownCard(LookupError):
    """No card has this id: not one of ours."""


@dataclass(frozen=True)
class ClickAnswer:
    """What the card should say after a click. `for_clicker_only`: nothing changed for
    the card's approver, so only the clicker's own view of it changes."""

    card: ApprovalCard
    said: str
    acted: bool
    for_clicker_only: bool = False


def clicked(
    source: ApprovalSource, card_id: str, user_id: str, action: str, now: datetime
) -> ClickAnswer:
    """Handle one click on a card. Raises `UnknownCard`, and `ValueError` for a button
    that is not agree or refuse. Idempotent per card: only the click that takes a
    pending card acts on its task."""
    if action not in ACTIONS:
        raise ValueError(f"action: {action[:20]!r} is not agree or refuse")
    card = ApprovalCard.objects.select_related("approval").filter(card_id=card_id).first()
    if card is None:
        raise UnknownCard(card_id)
    click = CardClick.objects.create(card=card, user_id=user_id[:128], action=action, at=now)
    if user_id != card.approver_user_id:
        return _finish(click, NOT_YOURS, for_clicker_only=True)
    taken = ApprovalCard.objects.filter(pk=card.pk, state=CardState.PENDING).update(
        state=CardState.ACTING, updated_at=now
    )
    if not taken:
        card.refresh_from_db()
        return _finish(click, card.outcome or GONE)
    return _act(source, click, now)


def _act(source: ApprovalSource, click: CardClick, now: datetime) -> ClickAnswer:
    """The card is ours to act on: act if the task is still the clicker's and open."""
    card = click.card
    instance_id = card.approval.instance_id
    try:
        instance = source.get_instance(instance_id)
        open_task = any(
            task.task_id == card.task_id
            and task.user_id == click.user_id
            and task.decision is TaskDecision.PENDING
            for task in instance.tasks
        )
        if not open_task:
            return _close(click, CardState.CLOSED, GONE, now)
        decision = ACTIONS[click.action]
        source.act(instance_id, card.task_id, click.user_id, decision, REMARKS[click.action])
    except ActionRefused as refused:
        logger.info("card %s: the platform refused the decision: %s", card.card_id, refused)
        return _close(click, CardState.CLOSED, GONE, now)
    except OutboundError as exc:
        # Nothing was decided: the card waits for the approver to click again.
        logger.warning("card %s: could not act on the task: %s", card.card_id, exc)
        ApprovalCard.objects.filter(pk=card.pk).update(state=CardState.PENDING, updated_at=now)
        return _finish(click, BUSY)
    state = CardState.AGREED if click.action == "agree" else CardState.REFUSED
    return _close(click, state, DONE[click.action], now, acted=True)


def _close(
    click: CardClick, state: CardState, said: str, now: datetime, *, acted: bool = False
) -> ClickAnswer:
    card = click.card
    card.state, card.outcome, card.updated_at = state, said[:200], now
    card.save(update_fields=["state", "outcome", "updated_at"])
    return _finish(click, said, acted=acted)


def _finish(
    click: CardClick, said: str, *, acted: bool = False, for_clicker_only: bool = False
) -> ClickAnswer:
    click.outcome, click.acted = said[:200], acted
    click.save(update_fields=["outcome", "acted"])
    release = Release.objects.filter(approval_id=click.card.approval_id).first()
    if release is not None:
        _record(release, click)
    return ClickAnswer(click.card, said, acted, for_clicker_only)


def _record(release: Release, click: CardClick) -> None:
    platform = click.card.approval.provider
    record(
        release,
        "card-click",
        actor=f"{platform}:{click.user_id}",
        now=click.at,
        reason=(
            f"{click.action} on the card: their task was decided"
            if click.acted
            else f"{click.action} on the card: nothing done ({click.outcome})"
        ),
        details={
            "action": click.action,
            "acted": click.acted,
            "outcome": click.outcome,
            "task_id": click.card.task_id,
            "card_approver": click.card.approver_user_id,
        },
    )


def timeline_entries(release: Release) -> None:
    """Write the clicks made before `release` existed into its timeline (ingest calls
    this in the transaction that creates it). A click still being acted on is left out:
    it is written when it ends, and the release exists by then."""
    clicks = CardClick.objects.filter(card__approval_id=release.approval_id).exclude(outcome="")
    for click in clicks.select_related("card__approval"):
        _record(release, click)


def card_reference(instance_id: str, task: str) -> str:
    """How a sent card's notification names its task (with its approval: a task id is
    only known to be unique within one)."""
    return f"task {instance_id} {task}"[:200]


def attach_sent_cards(release: Release) -> int:
    """Make the cards sent about `release`'s approval before it existed notifications of
    the release, so its timeline shows them (ingest calls this in the transaction that
    creates it); how many."""
    approval = release.approval
    return Notification.objects.filter(
        release=None,
        kind__in=CARD_KINDS,
        provider=approval.provider,
        reference__startswith=card_reference(approval.instance_id, ""),
    ).update(release=release)
