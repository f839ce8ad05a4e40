"""Approval cards in DingTalk: each approver whose task is open gets a card in the
robot's chat with them, whose buttons (同意 / 拒绝) act on that task (reference section 9).

Level-triggered, like the reconcile: every pass looks at the DingTalk approvals ingest
last saw pending, delivers a card for each open task that has none, and tells a card
whose task was decided elsewhere (in DingTalk itself, or the approval ended) that it has
nothing left to do. The card's id (`outTrackId`) is ours and unique per task, so a pass
repeated after a crash never makes a second card. The HTTP calls happen outside any
transaction; each card's row is written after its call.

The template (docs/dingtalk-setup.md) shows the public variables `title`, `markdown`
and `status_text`, and the buttons while the private variable `can_act` is "true": only
the approver has it, so a card seen by anyone else shows no buttons.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db.models import Q

from releasegate.config import DingTalkSettings
from releasegate.integrations.dingtalk.approvals import PROVIDER
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.lib.http import OutboundError
from releasegate.releases.approvals.instance import TaskDecision
from releasegate.releases.card_content import card_content
from releasegate.releases.models import Approval, ApprovalCard, ApprovalStatus, CardState

logger = logging.getLogger("releasegate.dingtalk.cards")

# Approvals and waiting cards looked at per pass: bounds, should very many be pending.
APPROVALS_PER_PASS = 200
CARDS_PER_PASS = 500
CALLBACK_PATH = "/dingtalk/card"
CLOSED_ELSEWHERE = "该审批任务已在别处处理或审批已结束"
# A click takes at most a few seconds (two API calls with their timeouts).
STUCK_AFTER = timedelta(minutes=2)
CardParams = Mapping[str, str]


def card_id(instance_id: str, task_id: str) -> str:
    """The card's `outTrackId`: one per task (at most 100 characters)."""
    return f"rg-{instance_id}-{task_id}"[:100]


class CardDelivery:
    """Delivers and closes the cards of one app; `run(now)` is one pass."""

    def __init__(self, client: DingTalkClient, settings: DingTalkSettings, public_url: str) -> None:
        self.client = client
        self.settings = settings
        self.callback_url = public_url.rstrip("/") + CALLBACK_PATH
        self._registered = False
        self._lock = threading.Lock()

    def run(self, now: datetime) -> str:
        """One pass; what it did, for the chores' log."""
        self._register()
        delivered = failed = 0
        for approval, approver, task_id in _without_cards():
            if self._deliver(approval, approver, task_id, now):
                delivered += 1
            else:
                failed += 1
        closed = self._close_decided(now)
        return f"{delivered} cards delivered, {failed} failed, {closed} closed"

    def _register(self) -> None:
        """Where clicks call back, registered once per process (forceUpdate: the route
        key is this app's own). Raises the client's error, so the pass is tried again."""
        with self._lock:
            if self._registered or self.settings.card_callback != "http":
                return
            settings = self.settings
            self.client.register_card_callback(
                settings.card_route_key, self.callback_url, settings.card_callback_secret
            )
            self._registered = True

    def _deliver(self, approval: Approval, approver: str, task_id: str, now: datetime) -> bool:
        content = card_content(approval)
        out_track_id = card_id(approval.instance_id, task_id)
        public = {
            "title": content.title,
            "markdown": content.markdown,
            "status_text": f"等待 {approver} 审批",
        }
        try:
            self.client.deliver_card(
                self.settings.card_template_id,
                out_track_id,
                approver,
                self.settings.card_route_key if self.settings.card_callback == "http" else "",
                public,
                {"can_act": "true"},
                content.title,
            )
        except OutboundError as exc:
            logger.warning("card %s for %s not delivered: %s", out_track_id, approver, exc)
            return False
        ApprovalCard.objects.get_or_create(
            card_id=out_track_id,
            defaults={
                "approval": approval,
                "task_id": task_id,
                "approver_user_id": approver,
                "delivered_at": now,
                "updated_at": now,
            },
        )
        return True

    def _close_decided(self, now: datetime) -> int:
        """Cards still waiting whose task is no longer open: they say so, buttons gone.
        A card left `acting` by a process that stopped mid-click is looked at again after
        `STUCK_AFTER`: waiting again while its task is open, closed otherwise."""
        waiting = Q(state=CardState.PENDING) | Q(
            state=CardState.ACTING, updated_at__lt=now - STUCK_AFTER
        )
        closed = 0
        cards = ApprovalCard.objects.filter(waiting, approval__provider=PROVIDER)
        for card in cards.select_related("approval").order_by("updated_at")[:CARDS_PER_PASS]:
            if (card.approver_user_id, card.task_id) in _open_tasks(card.approval):
                if card.state == CardState.ACTING:
                    _move(card, CardState.PENDING, card.outcome, now)
                continue
            try:
                self.update(card, CLOSED_ELSEWHERE, {card.approver_user_id: {"can_act": "false"}})
            except OutboundError as exc:
                logger.warning("card %s not updated: %s", card.card_id, exc)
                continue
            closed += _move(card, CardState.CLOSED, CLOSED_ELSEWHERE, now)
        return closed

    def update(
        self, card: ApprovalCard, status_text: str, private: Mapping[str, CardParams]
    ) -> None:
        self.client.update_card(card.card_id, {"status_text": status_text}, private)


def _without_cards() -> list[tuple[Approval, str, str]]:
    """The open tasks of the newest pending approvals that have no card yet."""
    pending = Approval.objects.filter(provider=PROVIDER, status=ApprovalStatus.PENDING)
    tasks = [
        (approval, approver, task_id)
        for approval in pending.order_by("-first_seen_at")[:APPROVALS_PER_PASS]
        for approver, task_id in _open_tasks(approval)
    ]
    wanted = [card_id(approval.instance_id, task_id) for approval, _, task_id in tasks]
    held = set(ApprovalCard.objects.filter(card_id__in=wanted).values_list("card_id", flat=True))
    return [task for task in tasks if card_id(task[0].instance_id, task[2]) not in held]


def _move(card: ApprovalCard, state: CardState, outcome: str, now: datetime) -> int:
    """Move the card on unless a click moved it meanwhile; 1 if it moved."""
    return ApprovalCard.objects.filter(pk=card.pk, state=card.state).update(
        state=state, outcome=outcome, updated_at=now
    )


def _open_tasks(approval: Approval) -> list[tuple[str, str]]:
    """(approver, task id) of each task of `approval` waiting for its approver."""
    if approval.status != ApprovalStatus.PENDING:
        return []
    return [
        (str(task["user_id"]), str(task["task_id"]))
        for task in approval.tasks
        if task.get("decision") == TaskDecision.PENDING.value and task.get("task_id")
    ]
