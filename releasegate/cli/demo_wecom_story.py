"""The demo's story on WeCom (`releasegate demo --platform wecom`), chapter by chapter.

A tester opens the release template in (simulated) WeCom; its project and application
selectors open ReleaseGate's picker pages, signed for WeCom's JS-SDK, which offer the
catalog. WeCom has no submit-time check, so a first request with a database change not
done is approved in WeCom and refused by ReleaseGate's rules, the reason sent to the
tester; the corrected one is shown to 李四 on an approval card (WeCom's approvals are
decided only in its 审批 app: the card opens the request's page, which says so), and runs.
A callback WeCom drops is found by the reconcile. Then, as
on the other platforms, a release at a set time, a failing application beside it, the
first firing on time; last, everyone's WeCom messages and the group robot.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from releasegate.cli.demo_report import DEMO_PASSWORD, PEOPLE, WECOM_LOGINS, create_logins
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
from releasegate.simulators.wecom.control import SimulatorRefused, WeComControl

TESTER, APPROVERS = "zhangsan", (("lisi", "李四"), ("wangwu", "王五"))
_OPTION = re.compile(r'data-key="([^"]+)" data-value="([^"]+)"')
_CONFIG = re.compile(r'"timestamp": (\d+), "nonceStr": "(\w+)", "signature": "(\w+)"')


class WeComStory:
    def __init__(
        self, console: Console, timeline: Timeline, wecom_url: str, data_dir: Path
    ) -> None:
        self.console, self.timeline = console, timeline
        self.wecom = WeComControl(wecom_url)
        self.data_dir = data_dir
        self.watcher = Watcher(timeline)
        self.release_ids: list[int] = []
        self.releasegate_url = ""
        self.signed = ""

    def migrate(self) -> None:
        migrate(self.timeline, self.data_dir)

    def populate(self) -> None:
        create_logins(WECOM_LOGINS)
        sync_catalog(self.console, self.timeline)

    def play(self, releasegate_url: str) -> list[int]:
        self.releasegate_url = releasegate_url
        self.wecom.set_callback_url(f"{releasegate_url}wecom/events")
        self.wecom.set_picker_url(f"{releasegate_url}wecom/picker")
        self.timeline.step(
            "WeCom calls ReleaseGate back (encrypted XML) and opens its picker pages for "
            "the template's project and application selectors"
        )
        self.release_now()
        self.lost_callback()
        scheduled = self.release_later()
        self.release_that_fails(beside=scheduled)
        self.scheduled_fires(scheduled)
        self.timeline.chapter("What people saw in WeCom")
        show_messages(self.timeline, self.wecom, self.release_ids, self._zone())
        return self.release_ids

    # -- the chapters ---------------------------------------------------------------

    def release_now(self) -> None:
        self.timeline.chapter("A release now: refused by the rules, corrected, approved, run")
        pending = {**ORDER_SERVICE.values}
        sp_no = self.submit(ORDER_SERVICE, pending, show_picker=True)
        self.timeline.step("张三 submits with a database change not done yet (WeCom has no check)")
        release = self.watcher.follow(self.approve(sp_no))
        if release.state != "REJECTED":
            raise DemoFailed("the rules", f"a pending database change ended {release.state}")
        self.timeline.detail(f"张三 is told why: {release.reason}")
        corrected = {**pending, "数据库变更是否完成": "是"}
        sp_no = self.submit(ORDER_SERVICE, corrected)
        self.timeline.step("张三 submits again with the database change done")
        self.approval_card(sp_no)
        self.watcher.succeeded(self.watcher.follow(self.approve(sp_no)))

    def approval_card(self, sp_no: str) -> None:
        """李四's card for `sp_no` (the worker's 5-second pass sends it), what it says, and
        the page it opens when he taps it."""

        def card() -> dict[str, Any] | None:
            page = f"/requests/{sp_no}/"
            return next(
                (
                    m
                    for m in self.wecom.messages("message", "lisi")
                    if m["msgtype"] == "template_card"
                    and str(m["content"]["card_action"]["url"]).endswith(page)
                ),
                None,
            )

        message = within(15, "approval card", f"李四 got no card for {sp_no}", card)
        shown = message["content"]
        self.timeline.step(f"李四 (lisi) gets a card in WeCom: {shown['main_title']['title']}")
        for item in shown["horizontal_content_list"]:
            self.timeline.detail(f"{item['keyname']}：{item['value']}")
        opened = self.wecom.open_card(message["id"], "lisi")
        said = re.search(r'data-testid="decided-in">([^<]*)', self._page_as("lisi", opened))
        if said is None:
            raise DemoFailed("approval card", f"{opened} does not say where to decide")
        self.timeline.step(f"tapped, it opens {opened}: “{said.group(1).strip()}”")

    def _page_as(self, login: str, url: str) -> str:
        """`url` as `login` sees it, logged in to the dashboard."""
        with httpx.Client(base_url=self.releasegate_url, timeout=30) as session:
            session.get("/accounts/login/")
            form = {"username": login, "password": DEMO_PASSWORD}
            token = {"csrfmiddlewaretoken": session.cookies.get("csrftoken") or ""}
            session.post("/accounts/login/", data={**form, **token})
            return session.get(url).text

    def lost_callback(self) -> None:
        """WeCom's callbacks are best effort: one it drops is found by the reconcile."""
        from django.conf import settings
        from django.utils import timezone

        from releasegate.releases.approvals import registry
        from releasegate.releases.reconcile import reconcile

        self.timeline.chapter("A callback WeCom never sends")
        self.wecom.set_chances(drop=1.0)
        sp_no = self.submit(INVENTORY, {**INVENTORY.values, "分支或标签": "develop"})
        for approver, _ in APPROVERS:
            self.wecom.approve(sp_no, approver, "同意")
        self.wecom.settle()
        self.wecom.set_chances(drop=0.0)
        self.timeline.step(f"both approve {sp_no}; WeCom drops every callback about it")
        source = registry.enabled(settings.CONFIG)["wecom"].source
        outcome = reconcile(source, timezone.now(), timedelta(hours=1))
        self.timeline.step(f"the reconcile reads the template's applications: {outcome}")
        release_id = self.watcher.arrival(sp_no, checked="WeCom's API")
        self.release_ids.append(release_id)
        self.watcher.follow(release_id)

    def release_later(self) -> int:
        self.timeline.chapter("A release at a set time")
        planned = self._now().replace(microsecond=0) + timedelta(seconds=SCHEDULED_AHEAD_SECONDS)
        sp_no = self.submit(GATEWAY, {**GATEWAY.values, "发布时间": planned.isoformat()})
        self.timeline.step(
            f"张三 asks for {GATEWAY.application} at {planned:%H:%M:%S} (in a few seconds; "
            "people pick minutes in WeCom, the API keeps seconds)"
        )
        release_id = self.approve(sp_no)
        release = self.watcher.follow(release_id, until=("SCHEDULED",), seconds=10)
        if release.scheduled_for != planned:
            raise DemoFailed("scheduled release", f"scheduled for {release.scheduled_for}")
        self.timeline.step(f"#{release_id} waits, SCHEDULED for {clock(planned)}")
        return release_id

    def release_that_fails(self, beside: int) -> None:
        self.timeline.chapter(f"Meanwhile, a failing application (#{beside} still waits)")
        release_id = self.approve(self.submit(INVENTORY, INVENTORY.values))
        self.watcher.failure_reported(self.watcher.follow(release_id, beside=(beside,)))

    def scheduled_fires(self, release_id: int) -> None:
        self.timeline.chapter(f"#{release_id} at its time")
        release = self.watcher.follow(release_id, seconds=SCHEDULED_AHEAD_SECONDS + 30)
        self.watcher.fired_on_time(release)
        self.watcher.succeeded(release)

    # -- the form, the picker and the approvals ---------------------------------------

    def pick(self, page: str, chosen: str, **query: str) -> dict[str, str]:
        """Open a picker page as WeCom would; the option whose text is `chosen`."""
        key = secrets.token_hex(6)
        url = f"{self.releasegate_url}wecom/picker/{page}"
        answer = httpx.get(url, params={"selectorType": "single", "key": key, **query}, timeout=10)
        options = {text: option for option, text in _OPTION.findall(answer.text)}
        if answer.status_code != 200 or chosen not in options:
            raise DemoFailed("picker page", f"{page}: {answer.status_code}, no option {chosen!r}")
        signed = _CONFIG.search(answer.text)
        if signed is None:
            raise DemoFailed("picker page", f"{page} signs nothing for the JS-SDK")
        timestamp, nonce, signature = signed.groups()
        corp = re.search(r'"corpid": "(\w+)", "agentid": "(\d+)"', answer.text)
        corpid, agentid = corp.groups() if corp else ("", "")
        check = self.wecom.check_js_signature(
            "agent_config",
            corpid=corpid,
            agentid=agentid,
            timestamp=timestamp,
            nonceStr=nonce,
            signature=signature,
            url=str(answer.url),
        )
        if not check.get("ok"):
            raise DemoFailed("picker page", f"{page}: WeCom's JS-SDK says {check.get('errMsg')}")
        self.signed = str(check.get("errMsg"))
        return {"key": options[chosen], "value": chosen, "_all": " | ".join(options)}

    def submit(self, request: Request, values: dict[str, str], show_picker: bool = False) -> str:
        project = self.pick("projects", request.project)
        application = self.pick(
            "applications", request.application, project=project["key"].split(":", 1)[1]
        )
        if show_picker:
            self.timeline.step(
                "张三 (tester) opens the template; WeCom opens ReleaseGate's picker pages"
            )
            self.timeline.detail(f"项目名称: {project['_all']}")
            self.timeline.detail(f"应用名称 ({request.project}): {application['_all']}")
            self.timeline.detail(f"each page signed for WeCom's JS-SDK ({self.signed})")
        form: dict[str, Any] = {
            "项目名称": {"key": project["key"], "value": project["value"]},
            "应用名称": {"key": application["key"], "value": application["value"]},
            **values,
        }
        try:
            sp_no = self.wecom.submit(form, TESTER)
        except SimulatorRefused as refused:
            raise DemoFailed("submit", f"WeCom refused the form: {refused}") from None
        self.timeline.step(f"{request.application}: application {sp_no} in WeCom")
        return sp_no

    def approve(self, sp_no: str) -> int:
        for approver, name in APPROVERS:
            self.wecom.approve(sp_no, approver, "同意发布")
            self.timeline.step(f"{name} ({approver}) approves in WeCom")
        status = self.wecom.application(sp_no).get("sp_status")
        if status != 2:
            raise DemoFailed("approval", f"the application is {status}")
        release_id = self.watcher.arrival(sp_no, checked="WeCom's API")
        self.release_ids.append(release_id)
        return release_id

    def _zone(self) -> Any:
        from django.conf import settings

        return settings.CONFIG.options.releases.zone

    def _now(self) -> datetime:
        return datetime.now(tz=self._zone())


def show_messages(
    timeline: Timeline, wecom: WeComControl, release_ids: Sequence[int], zone: Any
) -> None:
    """Each person's app messages, once every release's outcome reached everyone, and what
    the group robot heard."""
    endings = {f"#{release_id}" for release_id in release_ids}

    def titles(message: dict[str, Any]) -> str:
        content = message.get("content") or {}
        if message.get("msgtype") == "template_card":
            return str(content["main_title"]["title"])
        if message.get("msgtype") == "textcard":  # the news, with the release's page
            return str(content["title"])
        text = str(content.get("content") or "") if isinstance(content, dict) else str(content)
        return text.partition("\n")[0].lstrip("#* ").strip()

    def messages() -> dict[str, list[dict[str, Any]]] | None:
        found = {user: wecom.messages("message", user) for user in PEOPLE}
        for listed in found.values():
            ended = {
                titles(m).rsplit(" ", 1)[-1]
                for m in listed
                if titles(m).startswith(("发布结束", "发布被拒绝"))
            }
            if not endings <= ended:
                return None
        return found

    found = within(20, "notifications", "not every outcome reached everyone", messages)
    for user, listed in found.items():
        # Approval cards come with the worker's 5-second pass: how many depends on how fast
        # the approvers decided, so they are counted apart from the news.
        cards = sum(m["msgtype"] == "template_card" for m in listed)
        said = f"{PEOPLE[user]} ({user})'s WeCom: {len(listed) - cards} app messages"
        timeline.step(said + (f" and {cards} approval cards" if cards else ""))
        for message in listed:
            at = datetime.fromtimestamp(message["at_ms"] / 1000, tz=UTC).astimezone(zone)
            timeline.detail(f"{at:%H:%M:%S}  {titles(message)}")
    timeline.step(f"the release group's robot posted {len(wecom.messages('robot'))} messages")
