"""The demo's last chapters on DingTalk: when a release goes wrong, and what the history says.

The payment gateway's Jenkins job is left disabled after maintenance, so 张三's approved
release of v2.5.0 ends in ERROR at the trigger; the job is enabled again and the admin
retries the release with `releasegate retry` (the approval still holds, so it runs, and
once). v2.5.0 turns out bad: 张三 asks with `releasegate rollback` to go back to the
gateway's last good parameters (the scheduled release's v2.4.1), the approvers agree in
DingTalk like for any request, and the rollback runs, linked both ways. Last, the week on
the calendar and the insights over the releases the demo made, through the API the
dashboard's pages draw from. Each step checks what it should see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from releasegate.cli.demo_timeline import DemoFailed
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.scenario import load_scenario

if TYPE_CHECKING:
    from releasegate.cli.demo_story import Story

GATEWAY_JOB = "payment/gateway"
NEW_TAG = "v2.5.0"
OPERATOR = "admin"


class Aftermath:
    def __init__(self, story: Story, jenkins_url: str) -> None:
        self.story = story
        self.timeline, self.shell = story.timeline, story.shell
        self.jenkins = SimulatorControl(jenkins_url)
        (gateway,) = (j for j in load_scenario("demo").jobs if j.path == GATEWAY_JOB)
        self.gateway = gateway.model_dump()

    def play(self, last_good: int) -> None:
        failed = self.ends_in_error()
        self.retried(failed)
        self.rolled_back(failed, last_good)
        self.timeline.chapter("The calendar and the insights")
        self.calendar()
        self.insights()

    def ends_in_error(self) -> int:
        """An approved release whose job is disabled in Jenkins: ERROR at the trigger."""
        from releasegate.cli.demo_story import GATEWAY, Request

        self.timeline.chapter("A release Jenkins refuses, retried once the cause is fixed")
        self.jenkins.put_job(**{**self.gateway, "disabled": True})
        self.timeline.step(f"an operator leaves {GATEWAY_JOB} disabled in Jenkins (maintenance)")
        values = {**GATEWAY.values, "分支或标签": NEW_TAG}
        newer = Request(GATEWAY.project, GATEWAY.application, values)
        form_id = self.story.fill_in(newer)
        release_id = self.story.submit_and_approve(form_id, f"张三 asks for {NEW_TAG}")
        release = self.story.watcher.follow(release_id)
        if release.state != "ERROR":
            raise DemoFailed(f"release #{release_id}", f"it ended {release.state}, not ERROR")
        self.timeline.step(f"[red]#{release_id} ended in ERROR[/red]: nothing was built")
        return release_id

    def retried(self, release_id: int) -> None:
        """The job enabled again, the admin retries the release: it runs, once."""
        self.jenkins.put_job(**self.gateway)
        self.timeline.step(f"the operator enables {GATEWAY_JOB} again")
        said = self.shell.command(
            OPERATOR, "retry", str(release_id), "--reason", f"{GATEWAY_JOB} enabled again"
        )
        self.timeline.step(f"the admin retries it: {said}")
        release = self.story.watcher.follow(release_id)
        self.story.watcher.succeeded(release)
        builds = [b for b in self.jenkins.builds(GATEWAY_JOB) if b["parameters"]["TAG"] == NEW_TAG]
        if len(builds) != 1:
            raise DemoFailed(f"release #{release_id}", f"{len(builds)} builds of {NEW_TAG}")
        self.timeline.step(f"#{release_id} retried by admin: one build of {NEW_TAG}, as approved")

    def rolled_back(self, bad: int, good: int) -> None:
        """张三 rolls the gateway back to its last good release; approved in DingTalk."""
        from releasegate.releases.models import Release

        self.timeline.chapter(f"{NEW_TAG} turns out bad: a rollback")
        instance_id = self.shell.command(
            "zhangsan", "rollback", GATEWAY_JOB, "--reason", f"{NEW_TAG} 支付回调变慢"
        )
        self.timeline.step(
            f"张三 asks to roll {GATEWAY_JOB} back to its last good release: approval {instance_id}"
        )
        for approver, name in (("lisi", "李四"), ("wangwu", "王五")):
            self.story.dingtalk.agree(instance_id, approver, remark="同意回滚")
            self.timeline.step(f"{name} ({approver}) approves the rollback in DingTalk")
        release_id = self.story.watcher.arrival(instance_id)
        self.story.release_ids.append(release_id)
        release = self.story.watcher.follow(release_id)
        self.story.watcher.succeeded(release)
        linked = Release.objects.filter(pk=release_id, rollback_of=bad, rollback_to=good)
        if not (linked.exists() and Release.objects.filter(pk=bad, rollbacks=release_id).exists()):
            raise DemoFailed(f"release #{release_id}", f"it is not linked to #{bad} and #{good}")
        self.timeline.step(
            f"#{release_id} rolled {GATEWAY_JOB} back from #{bad} to the parameters of #{good}"
            f" ({release.requested_parameters.get('TAG')}); each release page links the other"
        )

    def calendar(self) -> None:
        """The week of the rollback as `/calendar/` shows it."""
        from django.conf import settings

        from releasegate.releases.models import Release

        last = Release.objects.get(pk=self.story.release_ids[-1])
        moment = last.trigger_attempted_at or last.received_at
        day = moment.astimezone(settings.CONFIG.options.releases.zone).date()
        path = f"/api/calendar?view=week&date={day:%Y-%m-%d}"
        week = self.shell.api(OPERATOR, "GET", path)
        shown = [r["id"] for d in week["days"] for r in d["releases"]]
        frozen = [d["date"] for d in week["days"] if d["freezes"]]
        if last.pk not in shown:
            raise DemoFailed("calendar", f"#{last.pk} is not on the calendar: {shown}")
        self.timeline.step(
            f"GET {path}: {week['start']} to {week['end']}, {len(shown)} releases "
            f"(#{last.pk} among them), {len(frozen)} frozen days (holidays, freeze windows; "
            f"{self.shell.url}calendar/ draws it)"
        )

    def insights(self) -> None:
        """The DORA figures over the demo's releases, as `/insights/` shows them."""
        total: dict[str, Any] = self.shell.api(OPERATOR, "GET", "/api/insights")["total"]
        if total["deployments"] < 4 or not total["change_failures"]:
            raise DemoFailed("insights", f"the figures are {total}")
        self.timeline.step(
            f"GET /api/insights: {total['deployments']} deployments, "
            f"{total['change_failures']} change failures "
            f"(rate {total['change_failure_rate']:.0%}), time to restore "
            f"{_seconds(total['time_to_restore_s'])}, asked → approved "
            f"{_seconds(total['asked_to_approved_s'])} (median; "
            f"{self.shell.url}insights/ charts them week by week)"
        )


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"
