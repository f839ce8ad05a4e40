"""The demo's story, step by step, with a readable timeline.

A tester opens the release form in (simulated) DingTalk, whose choices come from
ReleaseGate's catalog; a first submission is blocked by the database-change check; the
corrected one is approved by two approvers; the approval reaches ReleaseGate and becomes
a release. Each step checks what it should see and raises `DemoFailed` when it does not.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from releasegate.simulators.dingtalk.control import DingTalkControl

TESTER, APPROVERS = "zhangsan", ("lisi", "wangwu")
PROJECT, APPLICATION = "商城 (mall)", "订单服务 (mall/order-service)"


def _told(event: Any) -> str:
    """One audit-trail row as a timeline line."""
    if event.kind == "state":
        return f"{event.from_state} → [bold]{event.to_state}[/bold]: {escape(event.reason)}"
    if event.kind == "input-answered":
        values = event.details.get("values", {})
        return f"the pipeline's input step answered with {escape(str(values))}"
    return f"{event.kind}: {escape(event.reason)}"


def _title(message: dict[str, Any]) -> str:
    return str(((message.get("msg") or {}).get("markdown") or {}).get("title") or "")


class DemoFailed(Exception):
    def __init__(self, where: str, why: str) -> None:
        super().__init__(f"{where}: {why}")
        self.where, self.why = where, why


class Timeline:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.started = time.monotonic()

    def step(self, text: str) -> None:
        self.console.print(f"[dim]{time.monotonic() - self.started:6.1f}s[/dim]  {text}")

    def detail(self, text: str) -> None:
        self.console.print(f"         [dim]│[/dim] {escape(text)}")


class Story:
    def __init__(
        self, console: Console, timeline: Timeline, dingtalk_url: str, data_dir: Path
    ) -> None:
        self.console, self.timeline = console, timeline
        self.dingtalk = DingTalkControl(dingtalk_url)
        self.dingtalk_url = dingtalk_url
        self.data_dir = data_dir
        self.admin_password = ""

    def prepare_database(self) -> None:
        from django.contrib.auth.models import User
        from django.core.management import call_command

        from releasegate.cli.catalog import print_catalog
        from releasegate.cli.sync import sync_and_report

        call_command("migrate", interactive=False, verbosity=0)
        self.admin_password = secrets.token_urlsafe(9)
        admin = User.objects.filter(username="admin").first() or User(username="admin")
        admin.is_staff = admin.is_superuser = True
        admin.set_password(self.admin_password)
        admin.save()
        self.timeline.step(f"SQLite database ready in {self.data_dir}")
        self.timeline.step("syncing the catalog from Jenkins")
        if not sync_and_report(self.console):
            raise DemoFailed("catalog sync", "Jenkins could not be listed")
        print_catalog(self.console)

    def play(self, releasegate_url: str) -> None:
        self.dingtalk.set_event_url(f"{releasegate_url}dingtalk/events")
        self.dingtalk.configure_connector(url=releasegate_url, node="async")
        self.timeline.step(
            "DingTalk pushes approval events to ReleaseGate and calls its "
            "connector (form options, submit check, the node after approval)"
        )
        instance_id = self.fill_in_the_form()
        self.approve(instance_id)
        release_id = self.arrival(instance_id)
        self.follow(release_id)
        self.messages(release_id)

    # -- the form -----------------------------------------------------------------

    def fill_in_the_form(self) -> str:
        form = self.dingtalk.open_form(TESTER)
        form_id = form["id"]
        self.timeline.step("张三 (tester) opens the release form; ReleaseGate fills the selects")
        self._show_options(form, "项目名称")
        form = self.dingtalk.choose(form_id, "项目名称", PROJECT)
        self.timeline.step(f"张三 chooses the project {PROJECT}")
        self._show_options(form, "应用名称")
        form = self.dingtalk.choose(form_id, "应用名称", APPLICATION)
        self.timeline.step(f"张三 chooses {APPLICATION}: its Jenkins parameters become choices")
        self._show_options(form, "发布类型")
        form = self.dingtalk.fill(
            form_id,
            {
                "发布类型": "灰度",
                "分支或标签": "v3.7.2",
                "是否有数据库变更": "是",
                "数据库变更是否完成": "否",
            },
        )
        form = self.dingtalk.submit_form(form_id)
        if form.get("state") != "open" or not form.get("refusal"):
            raise DemoFailed("submit check", "a pending database change was not blocked")
        self.timeline.step("张三 submits with a database change not done yet: blocked at submit")
        self.timeline.detail(f"DingTalk shows ReleaseGate's answer: {form['refusal']}")
        self.dingtalk.fill(form_id, {"数据库变更是否完成": "是"})
        form = self.dingtalk.submit_form(form_id)
        if form.get("state") != "submitted":
            raise DemoFailed("submit", f"the corrected form was refused: {form.get('refusal')}")
        self.timeline.step(f"the corrected form passes the check: approval {form['instance_id']}")
        return str(form["instance_id"])

    def _show_options(self, form: dict[str, Any], label: str) -> None:
        field = next((f for f in form.get("fields", []) if f.get("label") == label), None)
        options = [option["value"] for option in (field or {}).get("options", [])]
        if not options:
            raise DemoFailed("form options", f"{label} has no options from ReleaseGate")
        self.timeline.detail(f"{label}: {' | '.join(options)}")

    # -- approval and arrival -----------------------------------------------------

    def approve(self, instance_id: str) -> None:
        for approver, name in zip(APPROVERS, ("李四", "王五"), strict=True):
            self.dingtalk.agree(instance_id, approver, remark="同意发布")
            self.timeline.step(f"{name} ({approver}) approves")
        state = self.dingtalk.instance(instance_id)
        if (state.get("status"), state.get("result")) != ("COMPLETED", "agree"):
            raise DemoFailed("approval", f"the instance is {state.get('status')}")

    def arrival(self, instance_id: str, within: float = 20.0) -> int:
        from releasegate.releases.models import InboundEvent, Release

        deadline = time.monotonic() + within
        release = None
        while release is None and time.monotonic() < deadline:
            release = Release.objects.filter(approval__instance_id=instance_id).first()
            if release is None:
                time.sleep(0.2)
        if release is None:
            raise DemoFailed("arrival", f"no release for approval {instance_id} after {within} s")
        ways = sorted(
            set(InboundEvent.objects.filter(instance_id=instance_id).values_list("via", flat=True))
        )
        self.timeline.step(
            f"[green]ReleaseGate received release #{release.pk}[/green]: "
            f"{release.application_name}, {release.release_type}"
        )
        self.timeline.detail(
            f"parameters {release.requested_parameters}; asked by "
            f"{release.originator_user_id}, approved by "
            f"{', '.join(release.approver_user_ids)}"
        )
        self.timeline.detail(
            f"it arrived by: {', '.join(ways)} (each checked against DingTalk's API;"
            " duplicates are harmless)"
        )
        return release.pk

    def follow(self, release_id: int, within: float = 40.0) -> None:
        """Tell the release's audit trail as it is written, until the release ends."""
        from releasegate.releases.models import Release, ReleaseEvent

        told: set[int] = set(
            ReleaseEvent.objects.filter(release_id=release_id, kind="received").values_list(
                "pk", flat=True
            )
        )
        deadline = time.monotonic() + within
        release = Release.objects.get(pk=release_id)
        while time.monotonic() < deadline:
            for event in ReleaseEvent.objects.filter(release_id=release_id).exclude(pk__in=told):
                told.add(event.pk)
                self.timeline.step(_told(event))
            release.refresh_from_db()
            if release.terminal:
                break
            time.sleep(0.2)
        if release.state != "SUCCEEDED":
            raise DemoFailed(
                "the build",
                f"release {release_id} ended {release.state}: "
                f"{release.reason or release.last_error}",
            )

    def messages(self, release_id: int, within: float = 15.0) -> None:
        """What the people involved found in DingTalk (the simulator keeps every message)."""
        deadline = time.monotonic() + within
        wanted = {TESTER, *APPROVERS}
        finished: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            sent = self.dingtalk.messages(kind="work_notification")
            finished = [
                m
                for m in sent
                if f"#{release_id}" in _title(m) and _title(m).startswith("发布结束")
            ]
            if {m["to"] for m in finished} >= wanted:
                break
            time.sleep(0.2)
        if {m["to"] for m in finished} < wanted:
            raise DemoFailed("notifications", "the outcome did not reach everyone")
        titles = sorted(
            {
                _title(m)
                for m in self.dingtalk.messages(kind="work_notification")
                if f"#{release_id}" in _title(m)
            }
        )
        self.timeline.step(
            "DingTalk work notifications reached 张三 (who asked) and 李四, 王五 (who approved):"
        )
        for title in titles:
            self.timeline.detail(title)

    def summary(self, releasegate_url: str, jenkins_url: str) -> None:
        self.timeline.step("[green]demo complete[/green]")
        self.console.print(
            f"  ReleaseGate admin   {releasegate_url}admin/  (login admin / {self.admin_password})"
        )
        self.console.print(
            f"  DingTalk simulator  {self.dingtalk_url}_sim/  (approve, fill in the form)"
        )
        self.console.print(
            f"  Jenkins simulator   {jenkins_url}  (builds at {jenkins_url}_sim/builds)"
        )
