"""The dashboard benchmark's data: ended releases in bulk, each with its approval and the
message its originator was sent, and one release with a whole timeline.

Rows go in with `bulk_create` in batches: 100,000 releases take seconds, not the
minutes that saving them one by one would.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 1, 1, tzinfo=UTC)
BATCH = 2000
PEOPLE = 300


def seed(count: int) -> dict[str, Any]:
    """Insert `count` ended releases of the catalog's applications; what the pages name
    (a release, a project, an application of it)."""
    from releasegate.catalog.models import Application

    names = list(Application.objects.values_list("full_name", flat=True))
    for first in range(0, count, BATCH):
        _batch(range(first, min(count, first + BATCH)), names)
    release = _with_timeline()
    application = names[len(names) // 2]
    return {"release": release, "project": application.split("/", 1)[0], "application": application}


def _batch(numbers: range, names: list[str]) -> None:
    from releasegate.releases.models import Approval, Notification, Release

    approvals = Approval.objects.bulk_create(_approval(n) for n in numbers)
    releases = Release.objects.bulk_create(
        _release(n, approval, names[n % len(names)])
        for n, approval in zip(numbers, approvals, strict=True)
    )
    Notification.objects.bulk_create(
        Notification(
            release=release,
            kind="finished",
            provider="dingtalk",
            channel="people",
            recipients=[release.originator_user_id],
            title=f"{release.application_name} {release.state}",
            markdown="The release ended.",
            state="sent",
            created_at=release.received_at,
            next_attempt_at=release.received_at,
        )
        for release in releases
    )


def _approval(n: int) -> Any:
    from releasegate.releases.models import Approval

    return Approval(
        provider="dingtalk",
        instance_id=f"bench-{n}",
        status="approved",
        provider_status="COMPLETED agree",
        first_seen_at=START + timedelta(minutes=5 * n),
        refreshed_at=START + timedelta(minutes=5 * n),
    )


def _release(n: int, approval: Any, application: str) -> Any:
    from releasegate.releases.models import Release

    return Release(
        approval=approval,
        state="SUCCEEDED" if n % 7 else "FAILED",
        project_key=application.split("/", 1)[0],
        application_name=application,
        originator_user_id=f"user{n % PEOPLE}",
        approver_user_ids=[f"user{(n + 1) % PEOPLE}", f"user{(n + 2) % PEOPLE}"],
        received_via="event",
        received_at=START + timedelta(minutes=5 * n),
        updated_at=START,
        build_number=n % 500 + 1,
        console_tail="build log line\n" * 50,
    )


def _with_timeline() -> int:
    """The newest release, given the events a release that ran goes through."""
    from releasegate.releases.models import Release, ReleaseEvent

    release = Release.objects.order_by("-id").first()
    if release is None:
        raise SystemExit("--releases: at least one release is needed")
    ReleaseEvent.objects.bulk_create(_events(release))
    return release.pk


def _events(release: Any) -> Iterator[Any]:
    from releasegate.releases.models import ReleaseEvent

    steps = ["RECEIVED", "SCHEDULED", "TRIGGERING", "QUEUED", "RUNNING", release.state]
    for n, (before, after) in enumerate(zip(["", *steps], steps, strict=False)):
        yield ReleaseEvent(
            release=release,
            at=release.received_at + timedelta(seconds=30 * n),
            actor="worker",
            kind="state",
            from_state=before,
            to_state=after,
            details={"step": n},
        )
