"""A release's changes as Markdown lines for the people who approve it, in Chinese like
every message: the parameters next to the last good release's (a changed one in bold),
the commits Jenkins recorded since, the database change and the time it runs.

Values from people and from Jenkins go through `releasegate.lib.markdown`, so a commit
message cannot become a link or markup; parameter values arrive already masked where
they are passwords.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from releasegate.integrations.jenkins.change_sets import Commit
from releasegate.lib.markdown import markdown_text
from releasegate.releases.changes import (
    BUILDS_READ,
    CommitsStatus,
    ParameterChange,
    ReleaseChanges,
)

_SHORT_ID = 8


def change_lines(changes: ReleaseChanges, zone: tzinfo) -> list[str]:
    """The Markdown lines (a list, some nested) that say what `changes` brings."""
    return [
        *_parameter_lines(changes),
        *_commit_lines(changes),
        f"- 数据库变更：{_db_change(changes)}",
        f"- 发布时间：{_when(changes.release_time, zone)}",
    ]


def _parameter_lines(changes: ReleaseChanges) -> list[str]:
    good = changes.last_good
    if good is None:
        heading = "- 参数对比：首次发布，没有上次成功的发布可比"
        return [heading, *(f"  - {_value(row.name, row.now)}" for row in changes.parameters)]
    heading = f"- 参数对比（本次 ← 上次成功的发布 #{good.release_id}）："
    return [heading, *(f"  - {_compared(row)}" for row in changes.parameters)]


def _compared(row: ParameterChange) -> str:
    text = f"{_value(row.name, row.now)} ← {markdown_text(row.before or '（未设置）')}"
    return f"**{text}**" if row.changed else text


def _value(name: str, value: str) -> str:
    return f"{markdown_text(name)}：{markdown_text(value or '（默认）')}"


def _commit_lines(changes: ReleaseChanges) -> list[str]:
    if changes.commits_status == CommitsStatus.FIRST_RELEASE:
        return ["- 变更：首次发布，没有上次成功的发布，无从比较"]
    if changes.commits_status == CommitsStatus.UNAVAILABLE:
        return ["- 变更：暂时无法从 Jenkins 读取（不影响审批）"]
    build = changes.last_good.build_number if changes.last_good else None
    if not changes.commits:
        return [f"- 变更：构建 #{build} 之后 Jenkins 没有记录提交"]
    lines = [f"- 变更（构建 #{build} 之后 Jenkins 记录的提交）："]
    lines += [f"  - {_commit(commit)}" for commit in changes.commits]
    if changes.more_commits:
        lines.append(f"  - 另有 {changes.more_commits} 条提交")
    if not changes.all_builds_read:
        lines.append(f"  - 只读取了最近 {BUILDS_READ} 次构建，更早的提交未列出")
    return lines


def _commit(commit: Commit) -> str:
    short = markdown_text(commit.commit_id[:_SHORT_ID])
    message = markdown_text(commit.message or "（无说明）")
    return f"`{short}` {message} — {markdown_text(commit.author or '—')}"


def _db_change(changes: ReleaseChanges) -> str:
    if not changes.has_db_change:
        return "无"
    return "有（已执行）" if changes.db_change_done else "有（尚未执行）"


def _when(moment: datetime | None, zone: tzinfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}" if moment else "审批通过后立即发布"
