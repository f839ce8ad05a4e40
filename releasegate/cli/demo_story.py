"""The demo's story, chapter by chapter, with a readable timeline.

A tester opens the release form in (simulated) DingTalk, whose choices come from
ReleaseGate's catalog; a first submission is blocked by the database-change check; the
corrected one is approved by two approvers, becomes a release, waits at its pipeline's
`input` step and succeeds. A second release is asked for a few seconds ahead; while it
waits, a third, of an application whose tests fail, reports its console tail; then the
second fires on time. Then a release Jenkins refuses is retried, and rolled back
(demo_aftermath.py), and the calendar and the insights are read. Last, everyone's
DingTalk inbox. Each step checks what it should
see and raises `DemoFailed` when it does not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from releasegate.cli.demo_aftermath import Aftermath
from releasegate.cli.demo_report import LOGINS, create_logins, show_inboxes
from releasegate.cli.demo_shell import DemoShell, issue_tokens
from releasegate.cli.demo_timeline import DemoFailed, Timeline
from releasegate.cli.demo_watch import Watcher, clock
from releasegate.simulators.dingtalk.control import DingTalkControl

TESTER, APPROVERS = "zhangsan", (("lisi", "李四"), ("wangwu", "王五"))
# How far ahead the scheduled release is asked for: enough for the form, the approvals
# and the arrival to happen first, short enough to keep the demo brisk.
SCHEDULED_AHEAD_SECONDS = 6


@dataclass(frozen=True)
class Request:
    """What the tester picks in the form: the option values as DingTalk shows them."""

    project: str
    application: str
    values: dict[str, str] = field(default_factory=dict)


ORDER_SERVICE = Request(
    "商城 (mall)",
    "订单服务 (mall/order-service)",
    {
        "发布类型": "灰度",
        "分支或标签": "v3.7.2",
        "是否有数据库变更": "是",
        "数据库变更是否完成": "否",
    },
)
GATEWAY = Request(
    "支付中心 (payment)",
    "支付网关 (payment/gateway)",
    {"分支或标签": "v2.4.1", "环境": "prod", "是否有数据库变更": "否"},
)
INVENTORY = Request(
    "商城 (mall)",
    "库存服务 (mall/inventory-service)",
    {"分支或标签": "master", "是否有数据库变更": "否"},
)


def migrate(timeline: Timeline, data_dir: Path) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    timeline.step(f"SQLite database ready in {data_dir}")


def sync_catalog(console: Console, timeline: Timeline) -> None:
    from releasegate.cli.catalog import print_catalog
    from releasegate.cli.sync import sync_and_report

    timeline.chapter("The catalog")
    timeline.step("syncing the catalog from Jenkins")
    if not sync_and_report(console):
        raise DemoFailed("catalog sync", "Jenkins could not be listed")
    print_catalog(console)


# How long the demo waits for ReleaseGate's card to reach the first approver.
CARD_WAIT_SECONDS = 10


class Story:
    def __init__(
        self,
        console: Console,
        timeline: Timeline,
        dingtalk_url: str,
        data_dir: Path,
        jenkins_url: str,
    ) -> None:
        self.console, self.timeline = console, timeline
        self.dingtalk = DingTalkControl(dingtalk_url)
        self.jenkins_url = jenkins_url
        self.shell = DemoShell(timeline, {})
        self.data_dir = data_dir
        self.watcher = Watcher(timeline)
        self.release_ids: list[int] = []

    def migrate(self) -> None:
        migrate(self.timeline, self.data_dir)

    def populate(self) -> None:
        """The demo's logins, and the catalog synced from Jenkins."""
        create_logins(LOGINS)
        self.shell.tokens = issue_tokens(login.username for login in LOGINS)
        sync_catalog(self.console, self.timeline)

    def play(self, releasegate_url: str) -> list[int]:
        """The story from the form to the inboxes; the ids of the releases it made."""
        self.shell.url = releasegate_url
        self.dingtalk.set_event_url(f"{releasegate_url}dingtalk/events")
        self.dingtalk.configure_connector(url=releasegate_url, node="async")
        self.timeline.step(
            "DingTalk pushes approval events to ReleaseGate and calls its "
            "connector (form options, submit check, the node after approval)"
        )
        self.release_now()
        scheduled = self.release_later()
        self.release_that_fails(beside=scheduled)
        self.scheduled_fires(scheduled)
        Aftermath(self, self.jenkins_url).play(last_good=scheduled)
        self.timeline.chapter("What people saw in DingTalk")
        show_inboxes(self.timeline, self.dingtalk, self.release_ids, self._zone())
        return self.release_ids

    # -- the chapters ---------------------------------------------------------------

    def release_now(self) -> None:
        self.timeline.chapter("A release now: blocked, corrected, approved, run")
        form_id = self.fill_in(ORDER_SERVICE, show_options=True)
        blocked = self.dingtalk.submit_form(form_id)
        if blocked.get("state") != "open" or not blocked.get("refusal"):
            raise DemoFailed("submit check", "a pending database change was not blocked")
        self.timeline.step("张三 submits with a database change not done yet: blocked at submit")
        self.timeline.detail(f"DingTalk shows ReleaseGate's answer: {blocked['refusal']}")
        self.dingtalk.fill(form_id, {"数据库变更是否完成": "是"})
        release_id = self.submit_and_approve(
            form_id, "the corrected form passes the check", by_card=True
        )
        self.watcher.succeeded(self.watcher.follow(release_id))

    def release_later(self) -> int:
        """A release asked for a few seconds ahead, left waiting SCHEDULED; its id."""
        self.timeline.chapter("A release at a set time")
        planned = self._now().replace(microsecond=0) + timedelta(seconds=SCHEDULED_AHEAD_SECONDS)
        written = f"{planned:%Y-%m-%d %H:%M:%S}"
        form_id = self.fill_in(GATEWAY)
        self.dingtalk.fill(form_id, {"发布时间": written})
        self.timeline.step(f"张三 asks for {GATEWAY.application} at {written} (in a few seconds)")
        release_id = self.submit_and_approve(form_id, "the form passes the check")
        release = self.watcher.follow(release_id, until=("SCHEDULED",), seconds=10)
        if release.scheduled_for != planned:
            raise DemoFailed("scheduled release", f"scheduled for {release.scheduled_for}")
        self.timeline.step(f"#{release_id} waits, SCHEDULED for {clock(planned)}")
        return release_id

    def release_that_fails(self, beside: int) -> None:
        self.timeline.chapter(f"Meanwhile, a failing application (#{beside} still waits)")
        form_id = self.fill_in(INVENTORY)
        release_id = self.submit_and_approve(form_id, "the form passes the check")
        release = self.watcher.follow(release_id, beside=(beside,))
        self.watcher.failure_reported(release)

    def scheduled_fires(self, release_id: int) -> None:
        self.timeline.chapter(f"#{release_id} at its time")
        release = self.watcher.follow(release_id, seconds=SCHEDULED_AHEAD_SECONDS + 30)
        self.watcher.fired_on_time(release)
        self.watcher.succeeded(release)

    # -- the form and the approvals -----------------------------------------------------

    def fill_in(self, request: Request, show_options: bool = False) -> str:
        """Open the form as the tester and fill it in; the form's id."""
        form = self.dingtalk.open_form(TESTER)
        form_id = str(form["id"])
        self.timeline.step("张三 (tester) opens the release form; ReleaseGate fills the selects")
        if show_options:
            self._show_options(form, "项目名称")
        form = self.dingtalk.choose(form_id, "项目名称", request.project)
        if show_options:
            self.timeline.step(f"张三 chooses the project {request.project}")
            self._show_options(form, "应用名称")
        form = self.dingtalk.choose(form_id, "应用名称", request.application)
        self.timeline.step(
            f"张三 chooses {request.application}: its Jenkins parameters become choices"
        )
        if show_options:
            self._show_options(form, "发布类型")
        self.dingtalk.fill(form_id, request.values)
        return form_id

    def submit_and_approve(self, form_id: str, passed: str, *, by_card: bool = False) -> int:
        """Submit, have both approvers agree (the first from the card in their chat, when
        `by_card`); the release ReleaseGate made of it."""
        form = self.dingtalk.submit_form(form_id)
        if form.get("state") != "submitted":
            raise DemoFailed("submit", f"the form was refused: {form.get('refusal')}")
        instance_id = str(form["instance_id"])
        self.timeline.step(f"{passed}: approval {instance_id}")
        for index, (approver, name) in enumerate(APPROVERS):
            if by_card and index == 0:
                self.agree_on_card(instance_id, approver, name)
                continue
            self.dingtalk.agree(instance_id, approver, remark="同意发布")
            self.timeline.step(f"{name} ({approver}) approves")
        state = self.dingtalk.instance(instance_id)
        if (state.get("status"), state.get("result")) != ("COMPLETED", "agree"):
            raise DemoFailed("approval", f"the instance is {state.get('status')}")
        release_id = self.watcher.arrival(instance_id)
        self.release_ids.append(release_id)
        return release_id

    def agree_on_card(self, instance_id: str, approver: str, name: str) -> None:
        """The approver clicks 同意 on the card ReleaseGate put in their DingTalk chat."""
        wanted = f"rg-{instance_id}-"
        deadline = time.monotonic() + CARD_WAIT_SECONDS
        card = None
        while card is None and time.monotonic() < deadline:
            card = next(
                (c for c in self.dingtalk.cards() if c["outTrackId"].startswith(wanted)), None
            )
            if card is None:
                time.sleep(0.2)
        if card is None or card["userId"] != approver:
            raise DemoFailed("approval card", f"no card reached {approver} in time")
        self.timeline.step(f"ReleaseGate puts a card with 同意 / 拒绝 in {name}'s DingTalk chat")
        clicked = self.dingtalk.click(card["outTrackId"], approver, "agree")
        shown = clicked["card"]["public"].get("status_text", "")
        if clicked.get("outcome") != "answered" or "同意" not in shown:
            raise DemoFailed("approval card", f"the click was not taken: {clicked.get('outcome')}")
        self.timeline.step(f"{name} ({approver}) taps 同意 on the card; it now says {shown}")

    def _show_options(self, form: dict[str, Any], label: str) -> None:
        found = next((f for f in form.get("fields", []) if f.get("label") == label), None)
        options = [option["value"] for option in (found or {}).get("options", [])]
        if not options:
            raise DemoFailed("form options", f"{label} has no options from ReleaseGate")
        self.timeline.detail(f"{label}: {' | '.join(options)}")

    def _zone(self) -> Any:
        from django.conf import settings

        return settings.CONFIG.options.releases.zone

    def _now(self) -> datetime:
        """Now, in the time zone the release form's times are read in."""
        return datetime.now(tz=self._zone())
