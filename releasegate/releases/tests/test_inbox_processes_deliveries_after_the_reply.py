from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from releasegate.lib.http import OutboundError
from releasegate.releases import inbox
from releasegate.releases.approvals.errors import (
    ApprovalError,
    CredentialsRefused,
    ProviderUnavailable,
    RateLimited,
)
from releasegate.releases.approvals.instance import ApprovalStatus
from releasegate.releases.inbox import pending, process, record_delivery
from releasegate.releases.models import InboundEvent, Release
from releasegate.releases.tests.approvals import PROVIDER, FakeApprovals, instance, sources

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def deliver(delivery_id: str = "evt-1", event_type: str = "bpms_instance_change") -> int:
    event = record_delivery(
        via="event",
        event_type=event_type,
        provider=PROVIDER,
        instance_id="inst-1",
        delivery_id=delivery_id,
        payload={"processInstanceId": "inst-1"},
    )
    return event.pk


def test_a_stored_delivery_becomes_a_release_when_processed() -> None:
    event_id = deliver()
    assert pending() == [event_id]

    outcome = process(event_id, sources(FakeApprovals(instance())))

    assert outcome.startswith("release ") and outcome.endswith(" created")
    assert pending() == []
    assert Release.objects.count() == 1
    stored = InboundEvent.objects.get()
    assert (stored.attempts, stored.outcome) == (1, outcome)


def test_processing_twice_does_nothing_more() -> None:
    event_id = deliver()
    source = FakeApprovals(instance())
    process(event_id, sources(source))

    process(event_id, sources(source))

    assert source.calls == 1


def test_a_redelivered_event_is_recognised_without_asking_the_platform_again() -> None:
    source = FakeApprovals(instance())
    process(deliver("evt-1"), sources(source))

    outcome = process(deliver("evt-1"), sources(source))

    assert outcome == "duplicate delivery: already processed"
    assert source.calls == 1


def test_unknown_event_types_are_kept_and_ignored() -> None:
    source = FakeApprovals(instance())

    outcome = process(deliver(event_type="user_add_org"), sources(source))

    assert outcome.startswith("ignored")
    assert source.calls == 0


def test_a_transient_failure_leaves_the_delivery_pending_for_the_next_try() -> None:
    event_id = deliver()
    source = FakeApprovals(instance())
    source.failure = OutboundError("timed out", service=PROVIDER, permanent=False)

    outcome = process(event_id, sources(source))

    assert outcome.startswith("will retry")
    assert pending() == []
    later = timezone.now() + timedelta(seconds=6)
    assert pending(now=later) == [event_id]
    source.failure = None
    process(event_id, sources(source), now=later)
    assert pending(now=timezone.now() + timedelta(hours=1)) == []
    assert InboundEvent.objects.get().attempts == 2


def test_only_an_approval_the_platform_does_not_know_ends_the_delivery() -> None:
    permanent = deliver("evt-1")
    source = FakeApprovals()

    assert process(permanent, sources(source)).startswith("failed: no approval inst-1")
    assert InboundEvent.objects.get(pk=permanent).processed_at is not None


@pytest.mark.parametrize(
    "failure",
    [
        ProviderUnavailable("503", service=PROVIDER, permanent=False),
        RateLimited("monthly quota", service=PROVIDER, permanent=True),
        CredentialsRefused("bad app secret", service=PROVIDER, permanent=True),
        ApprovalError("tasks.createTime: bad shape", service=PROVIDER, permanent=True),
        RuntimeError("a bug"),
    ],
)
def test_outages_quotas_and_surprises_are_retried_for_as_long_as_it_takes(
    failure: Exception,
) -> None:
    event_id = deliver()
    source = FakeApprovals(instance())
    source.failure = failure
    moment = timezone.now()
    for _ in range(30):
        process(event_id, sources(source), now=moment)
        moment += timedelta(minutes=10)
    stored = InboundEvent.objects.get(pk=event_id)
    assert (stored.processed_at, stored.attempts) == (None, 30)
    assert stored.outcome.startswith("will retry")

    source.failure = None
    assert process(event_id, sources(source), now=moment).endswith(" created")


def test_a_delivery_being_processed_is_not_taken_twice() -> None:
    event_id = deliver()
    source = FakeApprovals(instance())
    moment = timezone.now()
    assert inbox._claim(event_id, moment)

    assert process(event_id, sources(source), now=moment) == ""
    assert source.calls == 0
    assert process(event_id, sources(source), now=moment + inbox.CLAIM).endswith(" created")


@pytest.mark.django_db(transaction=True)
def test_processing_starts_in_the_background_once_the_delivery_is_committed(
    monkeypatch: pytest.MonkeyPatch, demo_catalog: None
) -> None:
    source = FakeApprovals(instance())
    submitted: list[int] = []
    monkeypatch.setattr(inbox.dispatcher, "submit", submitted.append)

    with transaction.atomic():
        event_id = deliver()
        assert submitted == []

    assert submitted == [event_id]
    process(submitted[0], sources(source))
    assert Release.objects.count() == 1


def test_a_node_delivery_waits_for_the_platform_to_complete_the_approval() -> None:
    event_id = record_delivery(
        via="connector",
        event_type="connector_node",
        provider=PROVIDER,
        instance_id="inst-1",
        payload={},
    ).pk
    source = FakeApprovals(instance(status=ApprovalStatus.PENDING))

    assert process(event_id, sources(source)).startswith("waiting for fake to complete")
    assert pending() == []
    later = timezone.now() + timedelta(seconds=6)
    assert pending(now=later) == [event_id]
    source.instances["inst-1"] = instance()
    assert process(event_id, sources(source), now=later).endswith(" created")
    assert pending() == []

    late = record_delivery(
        via="connector",
        event_type="connector_node",
        provider=PROVIDER,
        instance_id="inst-2",
        payload={},
    ).pk
    source.instances["inst-2"] = instance("inst-2", status=ApprovalStatus.PENDING)
    hours_later = timezone.now() + timedelta(hours=2)
    assert process(late, sources(source), now=hours_later) == "approval RUNNING"
    assert pending() == []


def test_a_delivery_of_a_platform_not_configured_now_waits_for_it() -> None:
    event_id = deliver()

    outcome = process(event_id, {})

    assert outcome == "fake is not configured"
    assert pending() == []
    later = timezone.now() + timedelta(seconds=6)
    assert process(event_id, sources(FakeApprovals(instance())), now=later).endswith(" created")


def test_retries_back_off_up_to_five_minutes() -> None:
    assert [inbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 10)] == [
        5,
        10,
        20,
        40,
        300,
    ]
