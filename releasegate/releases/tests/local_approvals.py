"""ReleaseGate's own approvals for the domain's tests: approver groups for the demo
catalog's projects, the provider's source on an injected clock, and the inbox worked off
as a worker would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from releasegate.config import LocalGroup, LocalOptions
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.inbox import pending, process
from releasegate.releases.local.approvals import LocalApprovals

# The mall's releases need two of its three approvers; the payment gateway has a group of
# its own, where one approval is enough.
GROUPS = [
    LocalGroup(project="mall", approvers=["lisi", "wangwu", "zhaoliu"], required=2),
    LocalGroup(project="payment", application="payment/gateway", approvers=["lisi"], required=1),
]
ORDER = ReleaseRequest(
    project="mall",
    application="mall/order-service",
    release_type="灰度",
    parameters={"BRANCH": "v3.7.2"},
)
GATEWAY = ReleaseRequest(
    project="payment", application="payment/gateway", parameters={"BRANCH": "v2.4.1"}
)


class Clock:
    """Now, moved only when told: starts at the real now, so the catalog's and the
    database's own times stay near it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def page_url(instance_id: str) -> str:
    return f"https://releasegate.example.com/requests/{instance_id}/"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def local_options() -> LocalOptions:
    return LocalOptions(expire_hours=24, groups=GROUPS)


@pytest.fixture
def local(local_options: LocalOptions, clock: Clock) -> LocalApprovals:
    """The `local` platform's source, as the registry would build it, on `clock`."""
    return LocalApprovals(local_options, settings.CONFIG.options.form, page_url, clock)


def work_off_inbox(source: LocalApprovals, now: datetime) -> list[str]:
    """Process every due delivery as the worker's sweep would; their outcomes."""
    return [process(event_id, {source.provider: source}, now) for event_id in pending(now=now)]
