"""The demo's story on Feishu (`releasegate demo --platform feishu`), chapter by chapter.

A tester opens the release form in (simulated) Feishu, whose project and application
choices come from ReleaseGate's catalog (关联外部选项). Feishu has no submit-time check, so
a first request with a database change not done yet is approved in Feishu and refused by
ReleaseGate's rules, the reason sent to the tester; the corrected one is approved, waits
at its pipeline's `input` step and succeeds (李四 approves it from the card ReleaseGate
sent him). Then, as on DingTalk, a release at a set
time, a failing application beside it, and the first firing on time. Last, everyone's
Feishu cards and the group bot. Each step checks what it should see.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from releasegate.cli.demo_report import FEISHU_LOGINS, FEISHU_OPEN_IDS, PEOPLE, create_logins
from releasegate.cli.demo_story import (
    GATEWAY,
    INVENTORY,
    ORDER_SERVICE,
    SCHEDULED_AHEAD_SECONDS,
    Request,
    migrate,
    sync_catalog,
)
from releasegate.cli.demo_timeline import DemoFailed, Timeline, within
from releasegate.cli.demo_watch import Watcher, clock
from releasegate.simulators.feishu.control import FeishuControl, SimulatorRefused

TESTER, APPROVERS = "zhangsan", (("lisi", "李四"), ("wangwu", "王五"))


class FeishuStory:
    def __init__(
        self, console: Console, timeline: Timeline, feishu_url: str, data_dir: Path
    ) -> None:
        self.console, self.timeline = console, timeline
        self.feishu = FeishuControl(feishu_url)
        self.data_dir = data_dir
        self.watcher = Watcher(timeline)
        self.release_ids: list[int] = []

    def migrate(self) -> None:
        migrate(self.timeline, self.data_dir)

    def populate(self) -> None:
        create_logins(FEISHU_LOGINS)
        sync_catalog(self.console, self.timeline)

    def play(self, releasegate_url: str) -> list[int]:
        self.feishu.set_event_url(f"{releasegate_url}feishu/events")
        self.feishu.set_options_url(f"{releasegate_url}feishu/options")
        self.timeline.step(
            "Feishu pushes approval events to ReleaseGate (encrypted, signed) and asks it "
            "for the form's project and application options"
        )
        self.release_now()
        scheduled = self.release_later()
        self.release_that_fails(beside=scheduled)
        self.scheduled_fires(scheduled)
        self.timeline.chapter("What people saw in Feishu")
        show_cards(self.timeline, self.feishu, self.release_ids, self._zone())
        return self.release_ids

    # -- the chapters ---------------------------------------------------------------

    def release_now(self) -> None:
        self.timeline.chapter("A release now: refused by the rules, corrected, approved, run")
        pending = {**ORDER_SERVICE.values}
        code = self.submit(ORDER_SERVICE, pending, show_options=True)
        self.timeline.step("张三 submits with a database change not done yet (Feishu has no check)")
        refused = self.approve(code)
        release = self.watcher.follow(refused)
        if release.state != "REJECTED":
            raise DemoFailed("the rules", f"a pending database change ended {release.state}")
        self.timeline.detail(f"张三 is told why: {release.reason}")
        corrected = {**pending, "数据库变更是否完成": "是"}
        code = self.submit(ORDER_SERVICE, corrected)
        self.timeline.step("张三 submits again with the database change done")
        self.watcher.succeeded(self.watcher.follow(self.approve(code, by_card="lisi")))

    def release_later(self) -> int:
        self.timeline.chapter("A release at a set time")
        planned = self._now().replace(microsecond=0) + timedelta(seconds=SCHEDULED_AHEAD_SECONDS)
        code = self.submit(GATEWAY, {**GATEWAY.values, "发布时间": planned.isoformat()})
        self.timeline.step(
            f"张三 asks for {GATEWAY.application} at {planned:%H:%M:%S} (in a few seconds)"
        )
        release_id = self.approve(code)
        release = self.watcher.follow(release_id, until=("SCHEDULED",), seconds=10)
        if release.scheduled_for != planned:
            raise DemoFailed("scheduled release", f"scheduled for {release.scheduled_for}")
        self.timeline.step(f"#{release_id} waits, SCHEDULED for {clock(planned)}")
        return release_id

    def release_that_fails(self, beside: int) -> None:
        self.timeline.chapter(f"Meanwhile, a failing application (#{beside} still waits)")
        release_id = self.approve(self.submit(INVENTORY, INVENTORY.values))
        release = self.watcher.follow(release_id, beside=(beside,))
        self.watcher.failure_reported(release)

    def scheduled_fires(self, release_id: int) -> None:
        self.timeline.chapter(f"#{release_id} at its time")
        release = self.watcher.follow(release_id, seconds=SCHEDULED_AHEAD_SECONDS + 30)
        self.watcher.fired_on_time(release)
        self.watcher.succeeded(release)

    # -- the form and the approvals -----------------------------------------------------

    def submit(self, request: Request, values: dict[str, str], show_options: bool = False) -> str:
        """Fill in and submit the form as the tester; the instance code."""
        projects = self.feishu.open_form(TESTER)
        project = next((p for p in projects if p["text"] == request.project), None)
        if project is None:
            raise DemoFailed("form options", f"{request.project} is not among the projects")
        if show_options:
            self.timeline.step("张三 (tester) opens the release form; Feishu asks ReleaseGate")
            self.timeline.detail(f"项目名称: {' | '.join(p['text'] for p in projects)}")
            applications = self.feishu.applications(project["id"], TESTER)
            self.timeline.detail(
                f"应用名称 ({request.project}): {' | '.join(a['text'] for a in applications)}"
            )
        form = {"项目名称": request.project, "应用名称": request.application, **values}
        try:
            code = self.feishu.submit(form, TESTER)
        except SimulatorRefused as refused:
            raise DemoFailed("submit", f"Feishu refused the form: {refused}") from None
        self.timeline.step(f"{request.application}: approval {code} in Feishu")
        return code

    def approve(self, code: str, by_card: str = "") -> int:
        """Both approvers approve in Feishu (`by_card` with the 同意 button of the card
        ReleaseGate sent them); the release ReleaseGate made of it."""
        for approver, name in APPROVERS:
            if approver == by_card:
                self.approve_from_card(code, approver, name)
                continue
            self.feishu.approve(code, approver, "同意发布")
            self.timeline.step(f"{name} ({approver}) approves in Feishu")
        status = self.feishu.instance(code).get("status")
        if status != "APPROVED":
            raise DemoFailed("approval", f"the instance is {status}")
        release_id = self.watcher.arrival(code, checked="Feishu's API")
        self.release_ids.append(release_id)
        return release_id

    def approve_from_card(self, code: str, approver: str, name: str) -> None:
        """The approver clicks 同意 on the decision card ReleaseGate sent for `code`."""

        def card() -> dict[str, Any] | None:
            messages = self.feishu.messages("message", FEISHU_OPEN_IDS[approver])
            return next((m for m in messages if code in json.dumps(m["content"])), None)

        found = within(15, "decision card", f"{approver} got no card for {code}", card)
        self.timeline.step(f"{name} ({approver}) gets a card: {_card_title(found)}")
        click = self.feishu.click_card(found["id"], approver, 0)
        if not click["card_updated"]:
            raise DemoFailed("decision card", f"the click was answered {click['outcome']}")
        toast = (click.get("toast") or {}).get("content", "")
        self.timeline.step(f"{name} clicks 同意; ReleaseGate approves through Feishu: {toast}")

    def _zone(self) -> Any:
        from django.conf import settings

        return settings.CONFIG.options.releases.zone

    def _now(self) -> datetime:
        return datetime.now(tz=self._zone())


def _card_title(message: dict[str, Any]) -> str:
    content = message.get("content")
    card = json.loads(content) if isinstance(content, str) else content or {}
    card = card.get("card", card) if isinstance(card, dict) else {}
    return str(((card.get("header") or {}).get("title") or {}).get("content") or "")


def show_cards(
    timeline: Timeline, feishu: FeishuControl, release_ids: Sequence[int], zone: Any
) -> None:
    """Each person's cards from the app, once every release's outcome reached everyone,
    and what the group's bot heard."""
    endings = {f"#{release_id}" for release_id in release_ids}

    def cards() -> dict[str, list[dict[str, Any]]] | None:
        found = {user: feishu.messages("message", FEISHU_OPEN_IDS[user]) for user in PEOPLE}
        for messages in found.values():
            titles = (_card_title(m) for m in messages)
            ended = {
                t.rsplit(" ", 1)[-1] for t in titles if t.startswith(("发布结束", "发布被拒绝"))
            }
            if not endings <= ended:
                return None
        return found

    found = within(15, "notifications", "not every outcome reached everyone", cards)
    for user, messages in found.items():
        # Decision cards come with the app's 5-second pass: how many depends on how fast
        # the approvers decided, so they are counted apart from the news.
        asked = sum(_card_title(m).startswith("待你审批") for m in messages)
        said = f"{PEOPLE[user]} ({user})'s Feishu: {len(messages) - asked} cards from the app"
        timeline.step(said + (f" and {asked} to decide on" if asked else ""))
        for message in messages:
            at = datetime.fromtimestamp(message["at_ms"] / 1000, tz=UTC).astimezone(zone)
            timeline.detail(f"{at:%H:%M:%S}  {_card_title(message)}")
    heard = feishu.messages("bot")
    timeline.step(f"the release group's bot posted {len(heard)} cards")
