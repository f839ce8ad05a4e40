"""Decision cards (`FEISHU_DECISION_CARDS=1`): each approver of a pending release request
gets an interactive card in their chat with what the request asks for and two buttons,
同意 and 拒绝, that decide that approver's own task (card_actions.py).

A card is sent per pending task, once: the chore looks at the approvals ReleaseGate holds
as pending (kept current by Feishu's `approval_task` events through the inbox), and for
one with a task stored as pending and no card yet it reads the task list from Feishu
(never trusting what it stored) and sends a card for each pending task without one. The
send's `uuid` is the task's, so a retry after a lost answer never shows two cards (Feishu
drops a repeat within an hour, reference §A4); a sent card is kept as a `Notification`
row (kind `decision_card`, `reference` naming the task), which is also how it shows in
the admin's outbox.

The buttons' `value` carries the instance code and task id only as a hint of which card
was clicked: the click is checked against Feishu's own word before anything is done.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application
from releasegate.integrations.feishu import errors
from releasegate.integrations.feishu.approvals import PROVIDER, FeishuApprovals
from releasegate.lib.markdown import markdown_link, markdown_text
from releasegate.releases.approvals.errors import ApprovalNotFound
from releasegate.releases.approvals.instance import ApprovalInstance, TaskDecision
from releasegate.releases.cards import DECISION_CARD, card_reference
from releasegate.releases.change_notes import change_lines
from releasegate.releases.changes import changes_of, configured_jenkins, of_form
from releasegate.releases.models import Approval, Notification, NotificationState
from releasegate.releases.parameters import MASKED, password_fields, password_names

logger = logging.getLogger("releasegate.feishu.cards")

KIND = DECISION_CARD
APPROVE, REJECT = "approve", "reject"
# How often pending approvals are looked at (a database query; Feishu is asked only about
# a task stored as pending without a card), and how far back (older ones were carded
# long ago, or are past deciding in chat).
EVERY = timedelta(seconds=5)
LOOKBACK = timedelta(days=7)
# Approvals read from Feishu per pass: 50 a second is get-instance's limit (§A5).
PER_PASS = 40
_COLOURS = {"pending": "blue", "approved": "green", "refused": "red"}


def reference(instance_id: str, task_id: str) -> str:
    """How a sent card's row names its task: the domain's way, so the release made of the
    approval takes the card into its timeline."""
    return card_reference(instance_id, task_id)


def decision_card(
    instance: ApprovalInstance,
    task_id: str,
    *,
    outcome: str = "",
    state: str = "pending",
    body: str = "",
) -> dict[str, Any]:
    """The card of one approver's task: `body` (the request and what it changes, as the
    card was first sent; else the request as it stands), then `outcome` (what became of a
    click, or of the task), and the buttons while the task is `pending`."""
    content = body or request_markdown(instance)
    elements: list[dict[str, Any]] = [{"tag": "markdown", "content": content}]
    if outcome:
        elements += [{"tag": "hr"}, {"tag": "markdown", "content": f"**{markdown_text(outcome)}**"}]
    if state == "pending":
        hint = {"instance": instance.instance_id, "task": task_id}
        elements.append(
            {
                "tag": "action",
                "actions": [
                    _button("同意", "primary", {"action": APPROVE, **hint}),
                    _button("拒绝", "danger", {"action": REJECT, **hint}),
                ],
            }
        )
    request = instance.request
    title = f"待你审批：{(request.application if request else '') or instance.title} 发布申请"
    return {
        "config": {"wide_screen_mode": True, "update_multi": True},
        "header": {
            "title": {"tag": "plain_text", "content": title[:100]},
            "template": _COLOURS.get(state, "grey"),
        },
        "elements": elements,
    }


def _button(text: str, kind: str, value: dict[str, str]) -> dict[str, Any]:
    return {
        "tag": "button",
        "text": {"tag": "plain_text", "content": text},
        "type": kind,
        "value": value,
    }


def request_markdown(instance: ApprovalInstance) -> str:
    """What the request asks for, as the approver notice says it: the form (a password
    parameter's value masked), who asked, and where the approval is in Feishu."""
    hidden = _password_labels(instance)
    lines = [
        f"- {markdown_text(name)}：{markdown_text(MASKED if name in hidden else value)}"
        for name, value in instance.form
        if value
    ]
    lines.append(f"- 申请人：{markdown_text(instance.originator_user_id or '—')}")
    lines += [f"- {markdown_link(f'在{link.label}中查看', link.url)}" for link in instance.links]
    return "\n".join(lines)


def sent_body(instance: ApprovalInstance, task_id: str) -> str:
    """The body the task's card was sent with ("" when none was): a card changed after a
    click keeps what it showed, without asking Jenkins again within Feishu's 3 s."""
    sent = Notification.objects.filter(
        kind=KIND, provider=PROVIDER, reference=reference(instance.instance_id, task_id)
    ).first()
    return sent.markdown if sent is not None else ""


def _first_body(instance: ApprovalInstance) -> str:
    """The request and what it changes: its parameters beside the application's last
    good release's, the commits Jenkins recorded since (read now: never in a transaction;
    Jenkins out of reach reads "unavailable")."""
    options = settings.CONFIG.options
    proposed = of_form(dict(instance.form), options.form, options.releases)
    changes = changes_of(proposed, configured_jenkins)
    return "\n".join([request_markdown(instance), *change_lines(changes, options.releases.zone)])


def _password_labels(instance: ApprovalInstance) -> frozenset[str]:
    request = instance.request
    if request is None:
        return frozenset()
    application = find_application(snapshot.current(), request.application, request.project)
    if application is None:
        return frozenset()
    return password_fields(password_names(application.parameters), settings.CONFIG.options.form)


def send_due_cards(approvals: FeishuApprovals, now: datetime) -> str:
    """Send a card for each pending task of the pending approvals that has none yet;
    what was done. Raises the client's error when Feishu cannot be reached (the chore
    runs again at its next turn)."""
    pending = Approval.objects.filter(
        provider=PROVIDER, status="pending", first_seen_at__gte=now - LOOKBACK
    ).order_by("-first_seen_at")[:PER_PASS]
    sent = 0
    for approval in pending:
        if not _uncarded(approval):
            continue  # nothing new: Feishu is not asked
        try:
            instance = approvals.get_instance(approval.instance_id)
        except ApprovalNotFound:
            continue  # deleted: the inbox and the reconcile record that
        for task in instance.tasks:
            if task.decision is TaskDecision.PENDING and task.user_id and task.task_id:
                sent += _send_once(approvals, instance, task.user_id, task.task_id, now)
    return f"{sent} decision cards sent"


def _uncarded(approval: Approval) -> bool:
    """Whether the approval, as last stored, has a pending task without a card: only then
    is Feishu asked (the chore runs often, and most passes find nothing new)."""
    waiting = {
        reference(approval.instance_id, str(task.get("task_id")))
        for task in approval.tasks
        if isinstance(task, dict)
        and task.get("decision") == TaskDecision.PENDING
        and task.get("task_id")
    }
    carded = Notification.objects.filter(
        kind=KIND, provider=PROVIDER, reference__in=waiting
    ).values_list("reference", flat=True)
    return bool(waiting - set(carded))


def _send_once(
    approvals: FeishuApprovals,
    instance: ApprovalInstance,
    open_id: str,
    task_id: str,
    now: datetime,
) -> int:
    if Notification.objects.filter(
        kind=KIND, provider=PROVIDER, reference=reference(instance.instance_id, task_id)
    ).exists():
        return 0
    card = decision_card(instance, task_id, body=_first_body(instance))
    content = json.dumps(card, ensure_ascii=False)
    named = f"decision card {instance.instance_id} {task_id}"
    key = hashlib.sha256(named.encode()).hexdigest()[:50]
    try:
        approvals.client.send_message("open_id", open_id, "interactive", content, key)
    except errors.Refused as exc:
        # Not the app's to reach (outside its availability range): said once, kept.
        logger.warning("no decision card for %s: Feishu refused it: %s", open_id, exc)
        _keep(instance, open_id, task_id, card, now, failed=str(exc))
        return 0
    _keep(instance, open_id, task_id, card, now)
    return 1


def _keep(
    instance: ApprovalInstance,
    open_id: str,
    task_id: str,
    card: dict[str, Any],
    now: datetime,
    failed: str = "",
) -> None:
    Notification.objects.create(
        kind=KIND,
        provider=PROVIDER,
        channel="people",
        recipients=[open_id],
        title=card["header"]["title"]["content"][:200],
        markdown=card["elements"][0]["content"],
        state=NotificationState.FAILED if failed else NotificationState.SENT,
        created_at=now,
        next_attempt_at=now,
        attempts=1,
        sent_at=None if failed else now,
        reference=reference(instance.instance_id, task_id),
        last_error=failed[:2000],
    )
