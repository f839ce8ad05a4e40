"""The order service's releases as the engine leaves them once they ran, as rows: for the
pages and commands that offer a rollback (the rollback itself is tested over the wire)."""

from __future__ import annotations

from datetime import datetime, timedelta

from releasegate.releases.models import Release, ReleaseState
from releasegate.web.tests.records import stored_release


def ran(
    instance_id: str, tag: str, state: ReleaseState, *, at: datetime, release_type: str = "灰度"
) -> Release:
    """A release of the order service at `tag`, triggered at `at` and ended in `state`."""
    return stored_release(
        instance_id,
        received_at=at,
        state=state,
        release_type=release_type,
        job_full_name="mall/order-service",
        approved_parameters={
            "TAG": tag,
            "RELEASE_TYPE": release_type,
            "CANARY_PERCENT": "10",
            "RELEASEGATE_RELEASE_ID": instance_id,
        },
        trigger_attempted_at=at + timedelta(seconds=1),
        finished_at=at + timedelta(minutes=2),
    )
