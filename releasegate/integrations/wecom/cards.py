"""Approval cards (`WECOM_APPROVAL_CARDS=1`): each approver whose turn it is in a pending
release application gets a card in their chat with the app, showing what the release
changes, that opens the request when tapped.

WeCom has no API that decides a task of its 审批 app (reference feishu-wecom.md §0 and
§B4), so the card has no 同意 / 拒绝: it is a text notice (`template_card`, card_type
`text_notice`, 发送应用消息 path/90236) whose `card_action` opens a page. Which page:
WeCom documents no address that opens one application of the 审批 app. Searched: 发送应用
消息, the 审批 APIs (getapprovaldetail carries no address) and the JS-SDK's 审批 pages,
where `thirdPartyOpenPage` with oaType 10002 opens the detail of a 审批流程引擎
application only, which is not the 审批 app's (审批流程引擎, path/90269: "与企业微信审批应用
相关接口无关"). Addresses seen in third-party code (work.weixin.qq.com/wework_admin/
approval?sp_no=…, …/approval/detail/<sp_no>) are the admin console's, undocumented and
different in each project. So the card opens ReleaseGate's own page for the request,
`<RELEASEGATE_PUBLIC_URL>/requests/<sp_no>/`, which shows what it changes and says that
it is decided in WeCom's 审批 app.

Whose turn: each pass looks at the WeCom approvals stored as pending that were refreshed
since the pass last looked at them (whose turn it is changes only with the application,
and every change is refreshed: by its callback, or by the reconcile when WeCom drops
one), reads the application from WeCom rather than trusting what was stored, and sends a
card to each approver it waits for (`whose_turn`) who has none for that node.

Once: a sent card is kept as a `Notification` (kind `approval_card`, `reference` naming
the application, node and approver, which also puts it in the release's timeline), and
no card is sent where one is kept, whichever worker looks and after any restart. The
send happens outside any transaction and the row is written after it: should a worker
stop between the two, the card sent again is the same JSON, which WeCom's duplicate check
(the client always asks for it, 30 minutes) does not deliver twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo
from typing import Any

from django.conf import settings
from django.urls import reverse

from releasegate.integrations.wecom import errors
from releasegate.integrations.wecom.approvals import PROVIDER, WeComApprovals, whose_turn
from releasegate.releases.approvals.instance import ApprovalInstance
from releasegate.releases.cards import APPROVAL_CARD, card_reference
from releasegate.releases.change_notes import change_lines
from releasegate.releases.changes import (
    CommitsStatus,
    ReleaseChanges,
    changes_of,
    configured_jenkins,
    of_form,
)
from releasegate.releases.models import (
    Approval,
    ApprovalStatus,
    Notification,
    NotificationState,
    Release,
)

logger = logging.getLogger("releasegate.wecom.cards")

KIND = APPROVAL_CARD
# How often the pending approvals are looked at (a database read; WeCom is asked only
# about one refreshed since), and how far back.
EVERY = timedelta(seconds=5)
LOOKBACK = timedelta(days=7)
# Applications read from WeCom per pass: getapprovaldetail shares 600 a minute per corp
# with the reconcile (reference §B5).
PER_PASS = 40
DECIDE_THERE = "此卡片不能审批：请在企业微信「审批」中同意或驳回，点开查看完整变更"
# The quoted changes: WeCom states no limit for quote_text; the card stays a screenful.
QUOTE_CHARS = 600


def request_page(public_url: str, sp_no: str) -> str:
    """The request's page on the dashboard, where the card leads."""
    path = reverse("web:request-sent", kwargs={"instance_id": sp_no})
    return public_url.rstrip("/") + path


class ApprovalCards:
    """Sends the cards of one WeCom app; `run(now)` is one pass."""

    def __init__(self, approvals: WeComApprovals, public_url: str) -> None:
        self.approvals = approvals
        self.public_url = public_url
        # Each pending approval as last looked at (id -> refreshed_at): unchanged since,
        # WeCom is not asked again. Lost on a restart, which only looks once more.
        self._looked: dict[int, datetime] = {}

    def run(self, now: datetime) -> str:
        """One pass; what it did. Raises the client's error when WeCom cannot be asked
        (the pass runs again at the chore's next turn)."""
        pending = dict(
            Approval.objects.filter(
                provider=PROVIDER,
                status=ApprovalStatus.PENDING,
                first_seen_at__gte=now - LOOKBACK,
            ).values_list("pk", "refreshed_at")
        )
        self._looked = {pk: at for pk, at in self._looked.items() if pk in pending}
        changed = [pk for pk, at in pending.items() if self._looked.get(pk) != at]
        sent = 0
        for approval in Approval.objects.filter(pk__in=changed[:PER_PASS]):
            sent += self._send_due(approval, now)
            self._looked[approval.pk] = approval.refreshed_at
        return f"{sent} approval cards sent"

    def _send_due(self, approval: Approval, now: datetime) -> int:
        try:
            info = self.approvals.client.approval_detail(approval.instance_id)
        except errors.NotFound:
            return 0  # deleted: the inbox and the reconcile record that
        waiting = [
            (node, user)
            for node, user in whose_turn(info)
            if not _kept(approval.instance_id, node, user)
        ]
        if not waiting:
            return 0
        instance = self.approvals.describe(info)
        link = request_page(self.public_url, instance.instance_id)
        options = settings.CONFIG.options
        changes = changes_of(
            of_form(dict(instance.form), options.form, options.releases), configured_jenkins
        )
        card = approval_card(instance, changes, options.releases.zone, link)
        return sum(self._send(instance, node, user, card, changes, now) for node, user in waiting)

    def _send(
        self,
        instance: ApprovalInstance,
        node: int,
        user: str,
        card: dict[str, Any],
        changes: ReleaseChanges,
        now: datetime,
    ) -> int:
        message = {"msgtype": "template_card", "template_card": card}
        try:
            _, not_reached = self.approvals.client.send([user], message)
        except errors.Refused as exc:
            # Not the app's to reach, or a card WeCom would not take: said once, kept.
            logger.warning("no approval card for %s: WeCom refused it: %s", user, exc)
            _keep(instance, (node, user), card, changes, now, failed=str(exc))
            return 0
        if not_reached:
            failed = f"WeCom named {user} invalid (not in the app's visible range?)"
            _keep(instance, (node, user), card, changes, now, failed=failed)
            return 0
        _keep(instance, (node, user), card, changes, now)
        return 1


def _task(node: int, user: str) -> str:
    return f"{node} {user}"


def _kept(sp_no: str, node: int, user: str) -> bool:
    return Notification.objects.filter(
        kind=KIND, provider=PROVIDER, reference=card_reference(sp_no, _task(node, user))
    ).exists()


def approval_card(
    instance: ApprovalInstance, changes: ReleaseChanges, zone: tzinfo, link: str
) -> dict[str, Any]:
    """The text notice for `instance`: who asked and when, what the release changes
    (a line each, then the parameters and commits quoted), and the request's page,
    within the lengths WeCom's doc advises."""
    application = changes.application or instance.title or instance.instance_id
    asked = instance.created_at
    when = f" 提交于 {asked.astimezone(zone):%m-%d %H:%M}" if asked else " 提交"
    details = _plain(change_lines(changes, zone))
    return {
        "card_type": "text_notice",
        "source": {"desc": "ReleaseGate 发布审批"},
        "main_title": {
            "title": _fit(f"待你审批：{application}", 36),
            "desc": _fit(f"{instance.originator_user_id or '—'}{when}", 44),
        },
        "sub_title_text": _fit(DECIDE_THERE, 160),
        "horizontal_content_list": [
            {"keyname": "应用", "value": _fit(application, 30)},
            {"keyname": "参数", "value": _parameters(changes)},
            {"keyname": "提交", "value": _commits(changes)},
            {"keyname": "数据库", "value": _db_change(changes)},
            {"keyname": "发布时间", "value": _when(changes, zone)},
        ],
        "quote_area": {"type": 0, "title": "变更明细", "quote_text": _fit(details, QUOTE_CHARS)},
        "jump_list": [{"type": 1, "title": "查看发布申请", "url": link}],
        "card_action": {"type": 1, "url": link},
    }


def _plain(lines: list[str]) -> str:
    """The Markdown lines of `change_lines` as plain text (a text notice has no
    Markdown): a changed parameter marked in words instead of bold. Values arrive made
    inert by `markdown_text`, so a backtick or `**` left is the lines' own markup."""
    plain = []
    for line in lines:
        nested = line.startswith("  ")
        text = line.strip().removeprefix("- ")
        if text.startswith("**") and text.endswith("**"):
            text = text[2:-2] + "（有变化）"
        plain.append(("  · " if nested else "") + text.replace("`", ""))
    return "\n".join(plain)


def _parameters(changes: ReleaseChanges) -> str:
    if changes.last_good is None:
        return "首次发布，无从比较"
    changed = sum(row.changed for row in changes.parameters)
    return f"{changed} 项有变化（共 {len(changes.parameters)} 项）" if changed else "与上次相同"


def _commits(changes: ReleaseChanges) -> str:
    if changes.commits_status == CommitsStatus.FIRST_RELEASE:
        return "首次发布，无从比较"
    if changes.commits_status == CommitsStatus.UNAVAILABLE:
        return "暂时无法从 Jenkins 读取"
    count = len(changes.commits) + changes.more_commits
    build = changes.last_good.build_number if changes.last_good else None
    return _fit(f"{count} 条（构建 #{build} 之后）" if count else f"构建 #{build} 之后没有提交", 30)


def _db_change(changes: ReleaseChanges) -> str:
    if not changes.has_db_change:
        return "无"
    return "有（已执行）" if changes.db_change_done else "有（尚未执行）"


def _when(changes: ReleaseChanges, zone: tzinfo) -> str:
    moment = changes.release_time
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}" if moment else "审批通过后立即发布"


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _keep(
    instance: ApprovalInstance,
    task: tuple[int, str],
    card: dict[str, Any],
    changes: ReleaseChanges,
    now: datetime,
    failed: str = "",
) -> None:
    """The sent card as a notification: its title, and what it says in Markdown for the
    admin's outbox and the approver's messages on the dashboard."""
    node, user = task
    zone = settings.CONFIG.options.releases.zone
    link = card["card_action"]["url"]
    Notification.objects.create(
        release=Release.objects.filter(
            approval__provider=PROVIDER, approval__instance_id=instance.instance_id
        ).first(),
        kind=KIND,
        provider=PROVIDER,
        channel="people",
        recipients=[user],
        title=card["main_title"]["title"][:200],
        markdown="\n".join([*change_lines(changes, zone), f"- {DECIDE_THERE}：{link}"]),
        state=NotificationState.FAILED if failed else NotificationState.SENT,
        created_at=now,
        next_attempt_at=now,
        attempts=1,
        sent_at=None if failed else now,
        reference=card_reference(instance.instance_id, _task(node, user)),
        not_reached=[user] if failed else [],
        last_error=failed[:2000],
    )
