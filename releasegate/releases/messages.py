"""What people are told about a release, in Markdown, in Chinese (the users' language).

Every value from people or from Jenkins (names, parameters, reasons, the console) goes
through `releasegate.lib.markdown`, so none renders as a link, an image or markup; a
password parameter's value is masked; a link from Jenkins is kept only if it is http(s).

Every message names the release and what happened to it, so no two messages of one
release are identical (DingTalk silently drops a repeat of an identical work notification
to the same user on the same day). Each goes out through the platform the release was
approved in, to each person by their id there, and to its group chat when one is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from releasegate.lib.markdown import markdown_code_block, markdown_link, markdown_text
from releasegate.releases.approvals import registry
from releasegate.releases.models import Notification, Release
from releasegate.releases.parameters import password_names, shown_details, shown_parameters

TITLES = {
    "rejected": "发布被拒绝",
    "scheduled": "发布已排期",
    "held": "发布等待中",
    "started": "发布开始",
    "waiting_input": "发布等待确认",
    "finished": "发布结束",
    "cancelled": "发布已取消",
    "error": "发布出错",
}
RESULT_WORDS = {
    "SUCCEEDED": "✅ 成功",
    "FAILED": "❌ 失败",
    "UNSTABLE": "⚠️ 不稳定",
    "ABORTED": "⏹ 已中止",
}


def compose(release: Release, kind: str, **details: Any) -> tuple[str, str]:
    """The title and Markdown text for `kind` of news about `release`."""
    zone = settings.CONFIG.options.releases.zone
    name = markdown_text(release.job_full_name or release.application_name)
    title = f"{TITLES.get(kind, kind)}：{name} #{release.pk}"
    lines = [f"### {title}", ""]
    lines += _summary(release, zone)
    lines += _specifics(release, kind, details, zone)
    return title[:200], "\n".join(lines)


def _summary(release: Release, zone: Any) -> list[str]:
    parameters = shown_parameters(
        release.approved_parameters or release.requested_parameters, release_passwords(release)
    )
    shown = "，".join(f"{markdown_text(k)}={markdown_text(v)}" for k, v in parameters.items())
    approvers = "、".join(markdown_text(user) for user in release.approver_user_ids) or "—"
    lines = [
        f"- 应用：{markdown_text(release.job_full_name or release.application_name)}",
        f"- 参数：{shown or '（默认）'}",
        f"- 申请人：{markdown_text(release.originator_user_id or '—')}；审批人：{approvers}",
    ]
    if release.is_rollback:
        # People must know this is not a new version but a return to a known good one.
        of, to = release.rollback_of_id, release.rollback_to_id
        lines.insert(1, f"- 回滚：回滚发布 #{of}，使用发布 #{to} 的参数")
    if release.scheduled_for:
        lines.append(f"- 计划时间：{_when(release.scheduled_for, zone)}")
    if release.build_url:
        lines.append(f"- 构建：{markdown_link(f'#{release.build_number}', release.build_url)}")
    return lines


def shown_event_details(release: Release, details: Mapping[str, Any]) -> dict[str, Any]:
    """One of `release`'s event details to show a person, its passwords masked."""
    return shown_details(details, release_passwords(release), settings.CONFIG.options.form)


def release_passwords(release: Release) -> frozenset[str]:
    """The names of the release's password parameters, as its job declares them."""
    application = release.application
    return password_names(application.parameters) if application is not None else frozenset()


def _specifics(release: Release, kind: str, details: dict[str, Any], zone: Any) -> list[str]:
    lines: list[str] = []
    # The reason of an ending (a finish without a build, too: its queue item cancelled).
    if release.reason and kind in ("rejected", "cancelled", "error", "finished"):
        lines.append(f"- 原因：{markdown_text(release.reason)}")
    if kind == "waiting_input":
        waiting = markdown_text(release.input_id)
        lines.append(f"- 构建在等待确认（input：{waiting}），请在 Jenkins 中处理")
    if kind == "finished":
        lines.append(f"- 结果：{RESULT_WORDS.get(release.state, release.state)}")
        if release.duration_ms is not None:
            lines.append(f"- 用时：{_duration(release.duration_ms)}")
        if release.console_tail and release.state != "SUCCEEDED":
            lines += ["", "控制台最后几行：", *markdown_code_block(release.console_tail[-1500:])]
    lines += [f"- {markdown_text(key)}：{markdown_text(value)}" for key, value in details.items()]
    return lines


def _when(moment: datetime, zone: Any) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def _duration(milliseconds: int) -> str:
    seconds = round(milliseconds / 1000)
    return f"{seconds // 60} 分 {seconds % 60} 秒" if seconds >= 60 else f"{seconds} 秒"


def recipients(release: Release) -> list[str]:
    """The person who asked and every approver, once each, in that order."""
    seen: dict[str, None] = {}
    for user in [release.originator_user_id, *release.approver_user_ids]:
        if user:
            seen.setdefault(user, None)
    return list(seen)


def notify(release: Release, kind: str, *, now: datetime | None = None, **details: Any) -> None:
    """Queue the news in the outbox, in the caller's transaction (delivery comes later)."""
    moment = now or timezone.now()
    title, markdown = compose(release, kind, **details)
    channels: list[tuple[str, list[str]]] = []
    people = recipients(release)
    if people:
        channels.append(("people", people))
    provider = release.approval.provider
    platform = registry.enabled().get(provider)
    if platform is not None and platform.group_chat:
        channels.append(("group", []))
    with transaction.atomic():
        for channel, to in channels:
            Notification.objects.create(
                release=release,
                kind=kind,
                provider=provider,
                channel=channel,
                recipients=to,
                title=title,
                markdown=markdown,
                created_at=moment,
                next_attempt_at=moment,
            )
