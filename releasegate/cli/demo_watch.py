"""Watching releases as `releasegate serve` moves them: read from the shared SQLite file,
told on the timeline as their audit trail is written. Every wait is bounded."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from releasegate.cli.demo_timeline import DemoFailed, Timeline, within

if TYPE_CHECKING:
    from releasegate.releases.models import Release

# A scheduled release that fires later than this after its time did not fire "on time"
# (the worker looks at least once a second; a busy CI machine adds a little).
LATE_TOLERANCE_SECONDS = 5.0
CONSOLE_LINES_SHOWN = 6


def event_line(event: Any) -> str:
    """One audit-trail row as a timeline line."""
    if event.kind == "state":
        return f"{event.from_state} → [bold]{event.to_state}[/bold]: {escape(event.reason)}"
    if event.kind == "input-answered":
        values = event.details.get("values", {})
        return f"the pipeline's input step answered with {escape(str(values))}"
    return f"{event.kind}: {escape(event.reason)}"


def clock(moment: datetime) -> str:
    """A moment to the millisecond in the configured time zone."""
    from django.conf import settings

    local = moment.astimezone(settings.CONFIG.options.releases.zone)
    return f"{local:%H:%M:%S}.{local.microsecond // 1000:03d}"


class Watcher:
    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        # Audit rows already told: a release can be followed in stretches, or beside another.
        self.told: set[int] = set()

    def arrival(
        self, instance_id: str, seconds: float = 20.0, checked: str = "DingTalk's API"
    ) -> int:
        """The release made from approval `instance_id`, once ReleaseGate has it (each way
        it arrived by was `checked` against the platform)."""
        from releasegate.releases.models import InboundEvent, Release

        release = within(
            seconds,
            "arrival",
            f"no release for approval {instance_id}",
            lambda: Release.objects.filter(approval__instance_id=instance_id).first(),
        )
        ways = InboundEvent.objects.filter(instance_id=instance_id).values_list("via", flat=True)
        kind = f", {release.release_type}" if release.release_type else ""
        self.timeline.step(
            f"[green]ReleaseGate received release #{release.pk}[/green]: "
            f"{release.application_name}{kind}"
        )
        self.timeline.detail(
            f"parameters {release.requested_parameters}; asked by "
            f"{release.originator_user_id}, approved by {', '.join(release.approver_user_ids)}"
        )
        self.timeline.detail(
            f"it arrived by: {', '.join(sorted(set(ways)))} (each checked against {checked};"
            " duplicates are harmless)"
        )
        # The approval's own story (who decided when) is told by the chapter itself.
        arrived = release.events.filter(kind__in=("received", "approver-decision"))
        self.told.update(arrived.values_list("pk", flat=True))
        return release.pk

    def follow(
        self,
        release_id: int,
        until: Collection[str] = (),
        seconds: float = 40.0,
        beside: Collection[int] = (),
    ) -> Release:
        """Tell the release's audit trail as it is written, until it reaches a state of
        `until` (by default: any terminal state); the trails of the releases `beside` it
        are told as they come too. Returns the release as it then is."""
        from releasegate.releases.models import Release, ReleaseEvent

        release = Release.objects.get(pk=release_id)

        def reached() -> bool:
            # The state first: its audit row commits with it, so the rows read next include
            # the one that brought the release where it is.
            release.refresh_from_db()
            written = ReleaseEvent.objects.filter(release_id__in=[release_id, *beside])
            for event in written.exclude(pk__in=self.told).order_by("at", "pk"):
                self.told.add(event.pk)
                self.timeline.step(f"#{event.release_id} {event_line(event)}")
            return release.state in until if until else release.terminal

        try:
            within(seconds, f"release #{release_id}", "", reached)
        except DemoFailed:
            wanted = "/".join(until) if until else "an end"
            why = f"still {release.state} after {seconds:g} s, not {wanted}"
            raise DemoFailed(f"release #{release_id}", why) from None
        return release

    def succeeded(self, release: Release) -> None:
        if release.state != "SUCCEEDED":
            raise DemoFailed(
                f"release #{release.pk}",
                f"it ended {release.state}: {release.reason or release.last_error}",
            )

    def fired_on_time(self, release: Release) -> None:
        """The scheduled release was triggered at its time: never before, barely after."""
        planned, actual = release.scheduled_for, release.trigger_attempted_at
        if planned is None or actual is None:
            raise DemoFailed("scheduled release", f"planned {planned}, triggered {actual}")
        late = (actual - planned).total_seconds()
        if late < 0:
            raise DemoFailed("scheduled release", f"it fired {-late:.3f} s early")
        if late > LATE_TOLERANCE_SECONDS:
            raise DemoFailed("scheduled release", f"it fired {late:.1f} s late")
        self.timeline.step(
            f"[green]#{release.pk} fired on time[/green]: planned {clock(planned)}, "
            f"triggered {clock(actual)} ({late:.2f} s after, never before)"
        )

    def failure_reported(self, release: Release) -> None:
        """The failing build ended FAILED, with the end of its console kept."""
        if release.state != "FAILED":
            raise DemoFailed(f"release #{release.pk}", f"it ended {release.state}, not FAILED")
        # Jenkins' own "[Pipeline]" markers say nothing about why it failed.
        tail = [
            line
            for line in release.console_tail.splitlines()
            if line.strip() and not line.startswith("[Pipeline]")
        ]
        if not tail:
            raise DemoFailed(f"release #{release.pk}", "its console tail was not recorded")
        self.timeline.step(
            f"[red]build #{release.build_number} failed[/red]; the last lines of its console"
            " go to 张三 and the approvers:"
        )
        for line in tail[-CONSOLE_LINES_SHOWN:]:
            self.timeline.detail(line)
