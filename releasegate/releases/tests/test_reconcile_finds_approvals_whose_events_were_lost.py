from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from releasegate.releases.approvals.instance import ApprovalStatus
from releasegate.releases.chores import Periodic
from releasegate.releases.inbox import pending, process
from releasegate.releases.models import Approval, Chore, InboundEvent, Release, ReleaseState
from releasegate.releases.reconcile import reconcile
from releasegate.releases.tests.approvals import PROVIDER, FakeApprovals, instance, sources

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]
DAY = timedelta(days=1)


def run_inbox(source: FakeApprovals, now: datetime) -> list[str]:
    return [process(event_id, sources(source), now=now) for event_id in pending(now=now)]


def test_an_approval_nobody_told_us_about_is_released_once() -> None:
    now = timezone.now()
    source = FakeApprovals(instance("lost-1", decided_at=now - timedelta(minutes=5)))

    said = reconcile(source, now, DAY)
    run_inbox(source, now)
    Release.objects.update(state=ReleaseState.SUCCEEDED)  # the engine's part, done
    later = now + timedelta(minutes=15)
    reconcile(source, later, DAY)
    run_inbox(source, later)

    assert "1 handed to the inbox" in said
    assert Release.objects.get().approval.instance_id == "lost-1"
    assert Release.objects.get().received_via == "reconcile"
    assert InboundEvent.objects.filter(via="reconcile").count() == 1


def test_an_unfinished_approval_we_saw_is_looked_at_again() -> None:
    now = timezone.now()
    seen = now - timedelta(hours=1)
    source = FakeApprovals(instance(status=ApprovalStatus.PENDING, decided_at=seen))
    Approval.objects.create(
        provider=PROVIDER,
        instance_id="inst-1",
        status=ApprovalStatus.PENDING,
        first_seen_at=seen,
        refreshed_at=seen,
    )
    source.instances["inst-1"] = instance(decided_at=now - timedelta(minutes=5))

    reconcile(source, now, DAY)
    outcomes = run_inbox(source, now)

    assert outcomes == [f"release {Release.objects.get().pk} created"]


def test_a_release_not_started_is_stopped_by_a_revocation_whose_event_was_lost() -> None:
    now = timezone.now()
    approved = instance(decided_at=now - timedelta(minutes=5))
    source = FakeApprovals(approved)
    reconcile(source, now, DAY)
    run_inbox(source, now)
    Release.objects.update(state=ReleaseState.SCHEDULED)
    later = now + timedelta(minutes=15)
    # Taken back on the platform; nobody told us.
    source.instances["inst-1"] = instance(
        taken_back_by="revocation-1", decided_at=now - timedelta(minutes=5)
    )

    said = reconcile(source, later, DAY)
    outcomes = run_inbox(source, later)

    release = Release.objects.get()
    assert "handed to the inbox" in said
    assert f"release {release.pk} cancelled: approval COMPLETED agree REVOKE" in outcomes, outcomes
    assert release.state == ReleaseState.CANCELLED
    looked_again = (
        InboundEvent.objects.filter(via="reconcile", instance_id="inst-1").order_by("pk").last()
    )
    assert looked_again is not None
    assert looked_again.payload == {"reason": "not started"}


def test_instances_of_the_lookback_only_and_finished_ones_are_left_alone() -> None:
    now = timezone.now()
    source = FakeApprovals(instance("old", decided_at=now - timedelta(days=3)))

    assert "0 handed" in reconcile(source, now, DAY)


def test_a_chore_runs_once_per_interval_however_many_workers_offer_it() -> None:
    runs: list[str] = []

    def worker(name: str) -> Periodic:
        def work(now: datetime) -> str:
            runs.append(name)
            return "ok"

        return Periodic("reconcile", timedelta(minutes=15), work)

    first, second = worker("a"), worker("b")
    now = timezone.now()

    assert first(now) and not second(now)
    assert not first(now + timedelta(minutes=5))
    assert second(now + timedelta(minutes=16))
    assert runs == ["a", "b"]
    assert Chore.objects.get(name="reconcile").last_outcome == "ok"


def test_a_failing_chore_is_recorded_and_the_worker_goes_on() -> None:
    def broken(now: object) -> str:
        raise RuntimeError("DingTalk is down")

    assert Periodic("reconcile", timedelta(minutes=1), broken)(timezone.now())
    assert "DingTalk is down" in Chore.objects.get().last_outcome
