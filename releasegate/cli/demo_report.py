"""What the demo shows at its end and leaves behind: each person's DingTalk inbox, the
summary of its releases, the logins, and `demo-ready.json` for whoever explores next
(a person, or the browser test)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from releasegate.cli.demo_timeline import Timeline, within
from releasegate.simulators.feishu.settings import SimSettings as FeishuApp

if TYPE_CHECKING:
    from releasegate.simulators.dingtalk.control import DingTalkControl

READY_FILE = "demo-ready.json"
# Demo only, and said so: a known password makes the dashboard one copy-paste away.
DEMO_PASSWORD = "releasegate-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    dingtalk_user_id: str = ""
    feishu_user_id: str = ""
    wecom_user_id: str = ""
    staff: bool = False
    email: str = ""
    # What they do in the story, for the summary (DingTalk users are named by their id).
    role: str = ""

    def as_dict(self) -> dict[str, str]:
        described = {"username": self.username, "password": DEMO_PASSWORD}
        if self.dingtalk_user_id:
            described["dingtalk_user_id"] = self.dingtalk_user_id
        if self.feishu_user_id:
            described["feishu_user_id"] = self.feishu_user_id
        if self.wecom_user_id:
            described["wecom_user_id"] = self.wecom_user_id
        return described


LOGINS = (DemoLogin("zhangsan", dingtalk_user_id="zhangsan"), DemoLogin("admin", staff=True))
# With ReleaseGate's own approvals the approvers decide on the dashboard, in the API or
# on the command line: they log in too.
LOCAL_LOGINS = (
    DemoLogin("zhangsan", email="zhangsan@example.com", role="asks for releases"),
    DemoLogin("lisi", email="lisi@example.com", role="approves"),
    DemoLogin("wangwu", email="wangwu@example.com", role="approves"),
    DemoLogin("admin", staff=True),
)
# On Feishu the tester is known by the open_id the simulated app gives them.
FEISHU_OPEN_IDS = {person.user_id: person.open_id for person in FeishuApp.demo().people}
FEISHU_LOGINS = (
    DemoLogin("zhangsan", feishu_user_id=FEISHU_OPEN_IDS["zhangsan"]),
    DemoLogin("admin", staff=True),
)
# On WeCom the tester is known by their WeCom userid, as on DingTalk.
WECOM_LOGINS = (
    DemoLogin("zhangsan", wecom_user_id="zhangsan"),
    # 李四 opens the request's page from his approval card.
    DemoLogin("lisi", wecom_user_id="lisi"),
    DemoLogin("admin", staff=True),
)
# Who is in the story, as DingTalk knows them.
PEOPLE = {"zhangsan": "张三", "lisi": "李四", "wangwu": "王五"}


def create_logins(logins: Sequence[DemoLogin]) -> None:
    """The demo's users, with the demo password (again, on a second run)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from releasegate.web.models import Profile

    # Hashed once for both: a password hash is made slow on purpose.
    encoded = make_password(DEMO_PASSWORD)
    for login in logins:
        user = User.objects.filter(username=login.username).first() or User(username=login.username)
        user.is_staff = user.is_superuser = login.staff
        user.email = login.email
        user.password = encoded
        user.save()
        if login.dingtalk_user_id or login.feishu_user_id or login.wecom_user_id:
            Profile.objects.update_or_create(
                user=user,
                defaults={
                    "dingtalk_user_id": login.dingtalk_user_id,
                    "feishu_user_id": login.feishu_user_id,
                    "wecom_user_id": login.wecom_user_id,
                },
            )


# -- the inboxes ----------------------------------------------------------------------


def _markdown(message: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = (message.get("msg") or {}).get("markdown") or {}
    return found


def show_inboxes(
    timeline: Timeline, dingtalk: DingTalkControl, release_ids: Sequence[int], zone: Any
) -> None:
    """Each person's work notifications, as their DingTalk shows them, once every release's
    outcome has reached everyone."""
    endings = {f"#{release_id}" for release_id in release_ids}

    def inboxes() -> dict[str, list[dict[str, Any]]] | None:
        found = {
            user: [m for m in dingtalk.messages("work_notification", user) if m["delivered"]]
            for user in PEOPLE
        }
        for messages in found.values():
            ended = {
                title.rsplit(" ", 1)[-1]
                for title in (str(_markdown(m).get("title", "")) for m in messages)
                if title.startswith("发布结束")
            }
            if not endings <= ended:
                return None
        return found

    found = within(15, "notifications", "not every outcome reached everyone", inboxes)
    for user, messages in found.items():
        timeline.step(f"{PEOPLE[user]} ({user})'s DingTalk: {len(messages)} work notifications")
        for message in messages:
            markdown = _markdown(message)
            at = datetime.fromtimestamp(message["at_ms"] / 1000, tz=UTC).astimezone(zone)
            extra = " (with the console tail)" if "控制台最后几行" in markdown["text"] else ""
            timeline.detail(f"{at:%H:%M:%S}  {markdown['title']}{extra}")


# -- the summary and the ready file ------------------------------------------------------


def summary_table(release_ids: Sequence[int]) -> Table:
    from releasegate.releases.models import Release

    table = Table(title="Releases of this demo")
    for column in ("#", "application", "state", "build", "duration"):
        table.add_column(column)
    for release in Release.objects.filter(pk__in=release_ids).order_by("pk"):
        duration = "—" if release.duration_ms is None else f"{release.duration_ms / 1000:.1f} s"
        build = f"#{release.build_number}" if release.build_number else "—"
        colour = "green" if release.state == "SUCCEEDED" else "red"
        table.add_row(
            str(release.pk),
            release.job_full_name or release.application_name,
            f"[{colour}]{release.state}[/{colour}]",
            build,
            duration,
        )
    return table


def show_summary(
    console: Console,
    urls: dict[str, str],
    release_ids: Sequence[int],
    logins: Sequence[DemoLogin] = LOGINS,
) -> None:
    console.print(summary_table(release_ids))
    releasegate = urls["releasegate_url"]
    console.print(f"  Dashboard           {releasegate}")
    console.print(f"  Admin               {releasegate}admin/")
    for login in logins:
        console.print(f"  Login               {login.username} / {DEMO_PASSWORD}  ({_who(login)})")
    jenkins = urls["jenkins_url"]
    if "dingtalk_url" in urls:
        console.print(
            f"  DingTalk simulator  {urls['dingtalk_url']}_sim/  (approve, fill in the form)"
        )
    elif "wecom_url" in urls:
        console.print(
            f"  WeCom simulator     {urls['wecom_url']}_sim/  (approve, fill in the form)"
        )
    elif "feishu_url" in urls:
        console.print(
            f"  Feishu simulator    {urls['feishu_url']}_sim/  "
            "(approve, fill in the form, click cards)"
        )
    else:
        console.print(f"  Approvals           {releasegate}approvals/  (as lisi or wangwu)")
    console.print(f"  Jenkins simulator   {jenkins}  (builds at {jenkins}_sim/builds)")


def _who(login: DemoLogin) -> str:
    if login.staff:
        return "staff, superuser"
    if login.dingtalk_user_id:
        return f"DingTalk user {login.dingtalk_user_id}"
    if login.feishu_user_id:
        return f"Feishu user {login.feishu_user_id}"
    if login.wecom_user_id:
        return f"WeCom user {login.wecom_user_id}"
    return login.role


def write_ready_file(
    data_dir: Path,
    urls: dict[str, str],
    release_ids: Sequence[int],
    logins: Sequence[DemoLogin] = LOGINS,
) -> Path:
    """`demo-ready.json`, written whole: a reader sees no file or the complete one."""
    ready = data_dir / READY_FILE
    partial = ready.with_suffix(".json.partial")
    content = {
        **urls,
        "users": [login.as_dict() for login in logins],
        "releases": list(release_ids),
    }
    partial.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
    partial.replace(ready)
    return ready
