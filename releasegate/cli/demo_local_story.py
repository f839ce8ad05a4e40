"""The demo's story with ReleaseGate's own approvals (`releasegate demo --platform local`):
no approval platform at all, approver groups in the configuration file.

张三 asks for releases with `releasegate request`, through the API and on the dashboard's
new-release page; the approvers decide through the API, with `releasegate approve` and
`refuse`, and on the request's page. A request for the payment gateway is refused; one
for the order service needs both approvers (张三 cannot approve his own), becomes a
release and runs; one asked for a few seconds ahead waits SCHEDULED and fires on time.
Last, what each person was told, as the dashboard lists it. Each step checks what it
should see and raises `DemoFailed` when it does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.markup import escape

from releasegate.cli.demo_report import DEMO_PASSWORD, LOCAL_LOGINS, create_logins
from releasegate.cli.demo_shell import DemoShell, issue_tokens
from releasegate.cli.demo_story import migrate, sync_catalog
from releasegate.cli.demo_timeline import DemoFailed, Timeline, within
from releasegate.cli.demo_watch import Watcher, clock

# The approver groups: the mall's releases need both approvers, the payment centre's one.
LOCAL_OPTIONS = """
[local]
expire_hours = 24

[[local.groups]]
project = "mall"
approvers = ["lisi", "wangwu"]
required = 2

[[local.groups]]
project = "payment"
approvers = ["lisi", "wangwu"]
required = 1
"""
PEOPLE = {"zhangsan": "张三", "lisi": "李四", "wangwu": "王五"}
# Far enough ahead for the page, the approval and the arrival to happen first.
SCHEDULED_AHEAD_SECONDS = 8
CHECKED = "ReleaseGate's own approvals"


class LocalStory:
    def __init__(self, console: Console, timeline: Timeline, data_dir: Path) -> None:
        self.console, self.timeline = console, timeline
        self.data_dir = data_dir
        self.watcher = Watcher(timeline)
        self.release_ids: list[int] = []
        self.shell = DemoShell(timeline, {})
        self.url = ""

    def migrate(self) -> None:
        migrate(self.timeline, self.data_dir)

    def populate(self) -> None:
        """The logins (each with an API token), and the catalog synced from Jenkins."""
        create_logins(LOCAL_LOGINS)
        self.shell.tokens = issue_tokens(PEOPLE)
        sync_catalog(self.console, self.timeline)

    def play(self, releasegate_url: str) -> list[int]:
        """The story from the first request to what people were told; the releases made."""
        self.url = self.shell.url = releasegate_url
        self.timeline.step(
            escape("approver groups in demo.toml [local]: the mall's releases need lisi and ")
            + escape("wangwu, the payment centre's one of them; no approval platform is configured")
        )
        self.refused()
        self.release_now()
        scheduled = self.release_later()
        self.scheduled_fires(scheduled)
        self.timeline.chapter("What people saw on the dashboard")
        self.show_dashboards()
        return self.release_ids

    # -- the chapters ---------------------------------------------------------------

    def refused(self) -> None:
        self.timeline.chapter("A request refused")
        approval = self.command(
            "zhangsan",
            "request",
            *("--project", "payment", "--application", "payment/gateway"),
            *("--param", "TAG=v2.4.1", "--param", "ENV=prod"),
        )
        self.timeline.step(f"张三 asks for payment/gateway v2.4.1: approval {approval}")
        waiting = [a["id"] for a in self.api("lisi", "GET", "/api/approvals")]
        if int(approval) not in waiting:
            raise DemoFailed("approvals", f"approval {approval} does not wait for lisi")
        self.timeline.step(f"李四's approvals (GET /api/approvals): {waiting}")
        said = self.command("lisi", "refuse", approval, "--reason", "支付网关本周冻结")
        self.timeline.step(f"李四 refuses: {said}")
        self.arrived_at(approval, "refused")
        self.timeline.detail("no release is made; 张三 and 王五 are told why")

    def release_now(self) -> None:
        self.timeline.chapter("A release now: two approvers, one on the API, one in a shell")
        body = {
            "project": "mall",
            "application": "mall/order-service",
            "release_type": "灰度",
            "parameters": {"TAG": "v3.7.2"},
        }
        approval = str(self.api("zhangsan", "POST", "/api/requests", body)["approval_instance_id"])
        self.timeline.step(
            f"张三 asks for mall/order-service v3.7.2 (POST /api/requests): {approval}"
        )
        own = self.api("zhangsan", "POST", f"/api/approvals/{approval}/approve", {}, expect=403)
        self.timeline.step(f"张三 tries to approve it himself: 403, {own['detail']}")
        path = f"/api/approvals/{approval}/approve"
        first = self.api("lisi", "POST", path, {"reason": "同意发布"})
        self.timeline.step(f"李四 approves (POST {path}): still {first['status']}, 1 of 2")
        said = self.command("wangwu", "approve", approval, "--reason", "已确认回滚方案")
        self.timeline.step(f"王五 approves: {said}")
        release_id = self.arrival(approval)
        self.watcher.succeeded(self.watcher.follow(release_id))

    def release_later(self) -> int:
        """A release asked for on the dashboard a few seconds ahead, approved there and
        left waiting SCHEDULED; its id."""
        self.timeline.chapter("A release at a set time, on the dashboard")
        zone = _zone()
        planned = datetime.now(tz=zone).replace(microsecond=0)
        planned += timedelta(seconds=SCHEDULED_AHEAD_SECONDS)
        with self.browser("zhangsan") as zhangsan:
            form = {
                "project": "payment",
                "application": "payment/gateway",
                "param-TAG": "v2.4.1",
                "param-ENV": "prod",
                "release_time": f"{planned:%Y-%m-%dT%H:%M:%S}",
                "db_change": "no",
            }
            page = _post(zhangsan, "/requests/new", form)
        approval = str(page.url).rstrip("/").rsplit("/", 1)[-1]
        self.timeline.step(
            f"张三 asks for payment/gateway at {planned:%H:%M:%S} on the new-release page: "
            f"approval {approval}"
        )
        with self.browser("wangwu") as wangwu:
            decided = _post(wangwu, f"/requests/{approval}/decide", {"decision": "approve"})
        if "你已同意申请" not in decided.text:
            raise DemoFailed("deciding on the dashboard", "the decision was not taken")
        self.timeline.step(f"王五 opens /requests/{approval}/ and clicks Approve: 1 of 1")
        release_id = self.arrival(approval)
        release = self.watcher.follow(release_id, until=("SCHEDULED",), seconds=10)
        if release.scheduled_for != planned:
            raise DemoFailed("scheduled release", f"scheduled for {release.scheduled_for}")
        self.timeline.step(f"#{release_id} waits, SCHEDULED for {clock(planned)}")
        return release_id

    def scheduled_fires(self, release_id: int) -> None:
        self.timeline.chapter(f"#{release_id} at its time")
        release = self.watcher.follow(release_id, seconds=SCHEDULED_AHEAD_SECONDS + 30)
        self.watcher.fired_on_time(release)
        self.watcher.succeeded(release)

    def show_dashboards(self) -> None:
        """Each person's messages as their dashboard lists them, once every outcome has
        reached everyone (with no chat platform and no e-mail, the dashboard is where)."""
        from django.contrib.auth.models import User

        from releasegate.releases.models import Notification
        from releasegate.web.personal import notifications_for

        def listed() -> dict[str, list[Any]] | None:
            ended = Notification.objects.filter(release_id__in=self.release_ids, kind="finished")
            if (
                ended.count() < len(self.release_ids)
                or Notification.objects.exclude(state="sent").exists()
            ):
                return None
            return {p: notifications_for(User.objects.get(username=p)) for p in PEOPLE}

        found = within(15, "notifications", "not every outcome reached everyone", listed)
        for login, messages in found.items():
            self.timeline.step(f"{PEOPLE[login]} ({login})'s dashboard: {len(messages)} messages")
            for message in reversed(messages):
                at = message.created_at.astimezone(_zone())
                self.timeline.detail(f"{at:%H:%M:%S}  {message.title}")

    # -- the people's tools -----------------------------------------------------------

    def arrival(self, approval: str) -> int:
        release_id = self.watcher.arrival(approval, checked=CHECKED)
        self.release_ids.append(release_id)
        return release_id

    def arrived_at(self, approval: str, status: str) -> None:
        """ReleaseGate's records say the approval is `status` (the inbox has processed the
        decision)."""
        from releasegate.releases.models import Approval

        within(
            10,
            f"approval {approval}",
            f"not {status}",
            lambda: Approval.objects.filter(
                provider="local", instance_id=approval, status=status
            ).exists(),
        )

    def command(self, login: str, *args: str) -> str:
        return self.shell.command(login, *args)

    def api(
        self, login: str, method: str, path: str, body: Any = None, expect: int | None = None
    ) -> Any:
        return self.shell.api(login, method, path, body, expect)

    @contextmanager
    def browser(self, login: str) -> Iterator[httpx.Client]:
        """A browser session on the dashboard, logged in as `login`."""
        with httpx.Client(base_url=self.url, timeout=30, follow_redirects=True) as session:
            session.get("/accounts/login/")
            credentials = {"username": login, "password": DEMO_PASSWORD}
            if "login-form" in _post(session, "/accounts/login/", credentials).text:
                raise DemoFailed("dashboard login", f"{login} could not log in")
            yield session


def _post(session: httpx.Client, path: str, form: dict[str, str]) -> httpx.Response:
    """Submit a dashboard form with the session's CSRF token, as the browser does."""
    token = session.cookies.get("csrftoken") or ""
    response = session.post(path, data={**form, "csrfmiddlewaretoken": token})
    if response.status_code >= 400:
        why = escape(re.sub(r"\s+", " ", response.text)[:300])
        raise DemoFailed(f"POST {path}", f"HTTP {response.status_code}: {why}")
    return response


def _zone() -> Any:
    from django.conf import settings

    return settings.CONFIG.options.releases.zone
