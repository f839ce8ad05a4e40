"""A request approved in ReleaseGate's own approvals runs like any other: the worker
hears of the decision in its inbox, ingest makes the release, the engine builds it in
Jenkins (the simulator), and the usual news reaches the person who asked and the
approvers through the `local` messenger, listed on the dashboard."""

from __future__ import annotations

import pytest
from django.conf import settings

from releasegate.config import InputRule, LocalOptions, ReleaseOptions
from releasegate.releases.approvals.ports import Decision
from releasegate.releases.engine.worker import Worker
from releasegate.releases.local.approvals import LocalApprovals
from releasegate.releases.local.messenger import LocalMessenger
from releasegate.releases.models import Notification, NotificationState, Release, ReleaseState
from releasegate.releases.tests.engine_harness import Harness
from releasegate.releases.tests.local_approvals import GROUPS, ORDER, page_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    rule = InputRule(job="mall/order-service", input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


def test_approved_here_built_there_and_everyone_told(harness: Harness) -> None:
    local = LocalApprovals(
        LocalOptions(groups=GROUPS), settings.CONFIG.options.form, page_url, harness.clock
    )
    worker = Worker(
        harness.context, sources={"local": local}, messengers={"local": LocalMessenger()}
    )
    instance_id = local.start("zhangsan", ORDER)
    for approver in ("lisi", "wangwu"):
        harness.tick(60)
        local.act(instance_id, approver, approver, Decision.APPROVE, "")

    for _ in range(200):
        worker.run_once()
        if Release.objects.filter(state=ReleaseState.SUCCEEDED).exists():
            break
        harness.tick(1)

    release = Release.objects.get()
    assert release.approval.provider == "local"
    assert [b["parameters"]["TAG"] for b in harness.sim.builds("mall/order-service")] == ["v3.7.2"]
    news = Notification.objects.filter(release=release)
    assert {n.kind for n in news} == {"started", "finished"}
    assert all(n.provider == "local" for n in news)
    assert all(n.recipients == ["zhangsan", "lisi", "wangwu"] for n in news)
    worker.run_once()
    assert {n.state for n in Notification.objects.all()} == {NotificationState.SENT}
    assert {n.reference for n in Notification.objects.all()} == {"dashboard"}
