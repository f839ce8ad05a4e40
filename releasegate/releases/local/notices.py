"""What ReleaseGate's own approvals tell people while there is no release yet: the
approvers that a request awaits them, and the person who asked (with the approvers) that
it was refused or expired. Queued in the outbox like a release's news (`Notification`
rows without a release), in the caller's transaction; the approval's id is in every
title, so no two messages are alike (DingTalk drops a repeat). What people typed (form
values, names, reasons) goes through `releasegate.lib.markdown`, and a password
parameter's value is masked. The approvers' notice says what the release changes
(`change_notes`), read from Jenkins before the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings

from releasegate.lib.markdown import markdown_link, markdown_text
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.change_notes import change_lines
from releasegate.releases.changes import ReleaseChanges
from releasegate.releases.models import LocalApproval, Notification
from releasegate.releases.parameters import MASKED
from releasegate.releases.requests import password_labels

PROVIDER = "local"
ASKED, REFUSED, EXPIRED = "approval_asked", "approval_refused", "approval_expired"


def asked(
    approval: LocalApproval, page: str, now: datetime, changes: ReleaseChanges | None = None
) -> None:
    """Tell the approvers the request awaits them, what it changes, and where to decide."""
    title = f"待你审批：{markdown_text(approval.application_name)} 发布申请 #{approval.pk}"
    zone = settings.CONFIG.options.releases.zone
    lines = [
        *_summary(approval),
        *(change_lines(changes, zone) if changes is not None else []),
        f"- 需要 {approval.required} 位审批人同意；任何一位拒绝即被拒绝",
    ]
    if approval.expires_at is not None:
        lines.append(f"- 请在 {_when(approval.expires_at)} 前决定，过期未决定即作废")
    lines += [
        f"- 审批：{markdown_link('打开审批页面', page)}"
        if "://" in page
        else f"- 审批：ReleaseGate 的 {markdown_text(page)}",
        f"- 命令行：`releasegate approve {approval.pk}` 或 "
        f"`releasegate refuse {approval.pk} --reason …`",
    ]
    _queue(approval, ASKED, approval.approvers, title, lines, now)


def refused(approval: LocalApproval, by: str, reason: str, now: datetime) -> None:
    """Tell the person who asked, and the approvers who need not decide any more."""
    title = f"发布申请被拒绝：{markdown_text(approval.application_name)} #{approval.pk}"
    lines = [
        *_summary(approval),
        f"- 拒绝人：{markdown_text(by)}",
        f"- 原因：{markdown_text(reason or '—')}",
    ]
    others = [login for login in approval.approvers if login != by]
    _queue(approval, REFUSED, [approval.originator, *others], title, lines, now)


def expired(approval: LocalApproval, now: datetime) -> None:
    """Tell the person who asked and every approver that nobody decided in time."""
    title = f"发布申请已过期：{markdown_text(approval.application_name)} #{approval.pk}"
    lines = [
        *_summary(approval),
        f"- 到 {_when(now)} 仍未得到足够的审批，申请已作废；如仍需发布，请重新申请",
    ]
    _queue(approval, EXPIRED, [approval.originator, *approval.approvers], title, lines, now)


def _summary(approval: LocalApproval) -> list[str]:
    form = [
        f"- {markdown_text(label)}：{markdown_text(value)}"
        for label, value in shown_form(approval)
        if value
    ]
    approvers = "、".join(markdown_text(login) for login in approval.approvers)
    return [*form, f"- 申请人：{markdown_text(approval.originator)}；审批人：{approvers}"]


def shown_form(approval: LocalApproval) -> list[tuple[str, str]]:
    """The approval's form as people see it: a password parameter's value masked."""
    request = ReleaseRequest(**approval.request) if approval.request else None
    mapping = settings.CONFIG.options.form
    hidden = password_labels(request, mapping) if request else frozenset()
    return [(label, MASKED if label in hidden else value) for label, value in approval.form]


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(settings.CONFIG.options.releases.zone):%Y-%m-%d %H:%M}"


def _queue(
    approval: LocalApproval,
    kind: str,
    recipients: Sequence[str],
    title: str,
    lines: list[str],
    now: datetime,
) -> None:
    Notification.objects.create(
        release=None,
        kind=kind,
        provider=PROVIDER,
        channel="people",
        recipients=list(dict.fromkeys(recipients)),
        title=title[:200],
        markdown="\n".join([f"### {title}", "", *lines]),
        created_at=now,
        next_attempt_at=now,
    )
