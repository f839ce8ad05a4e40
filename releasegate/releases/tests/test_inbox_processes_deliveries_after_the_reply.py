from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from releasegate.integrations.dingtalk.errors import (
    AuthenticationFailed,
    QuotaExhausted,
    UnexpectedResponse,
)
from releasegate.lib.http import OutboundError
from releasegate.releases import inbox
from releasegate.releases.inbox import pending, process, record_delivery
from releasegate.releases.models import InboundEvent, Release
from releasegate.releases.tests.approvals import FakeDingTalk, instance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def deliver(delivery_id: str = "evt-1", event_type: str = "bpms_instance_change") -> int:
    event = record_delivery(
        via="event",
        event_type=event_type,
        instance_id="inst-1",
        delivery_id=delivery_id,
        payload={"processInstanceId": "inst-1"},
    )
    return event.pk


def test_a_stored_delivery_becomes_a_release_when_processed() -> None:
    event_id = deliver()
    assert pending() == [event_id]

    outcome = process(event_id, FakeDingTalk(instance()))

    assert outcome.startswith("release ") and outcome.endswith(" created")
    assert pending() == []
    assert Release.objects.count() == 1
    stored = InboundEvent.objects.get()
    assert (stored.attempts, stored.outcome) == (1, outcome)


def test_processing_twice_does_nothing_more() -> None:
    event_id = deliver()
    source = FakeDingTalk(instance())
    process(event_id, source)

    process(event_id, source)

    assert source.calls == 1


def test_a_redelivered_event_is_recognised_without_asking_dingtalk_again() -> None:
    source = FakeDingTalk(instance())
    process(deliver("evt-1"), source)

    outcome = process(deliver("evt-1"), source)

    assert outcome == "duplicate delivery: already processed"
    assert source.calls == 1


def test_unknown_event_types_are_kept_and_ignored() -> None:
    source = FakeDingTalk(instance())

    outcome = process(deliver(event_type="user_add_org"), source)

    assert outcome.startswith("ignored")
    assert source.calls == 0


def test_a_transient_failure_leaves_the_delivery_pending_for_the_next_try() -> None:
    event_id = deliver()
    source = FakeDingTalk(instance())
    source.failure = OutboundError("timed out", service="dingtalk", permanent=False)

    outcome = process(event_id, source)

    assert outcome.startswith("will retry")
    assert pending() == []
    later = timezone.now() + timedelta(seconds=6)
    assert pending(now=later) == [event_id]
    source.failure = None
    process(event_id, source, now=later)
    assert pending(now=timezone.now() + timedelta(hours=1)) == []
    assert InboundEvent.objects.get().attempts == 2


def test_only_an_instance_dingtalk_does_not_know_ends_the_delivery() -> None:
    permanent = deliver("evt-1")
    source = FakeDingTalk()

    assert process(permanent, source).startswith("failed: processInstanceNotExist")
    assert InboundEvent.objects.get(pk=permanent).processed_at is not None


@pytest.mark.parametrize(
    "failure",
    [
        OutboundError("503", service="dingtalk", permanent=False),
        QuotaExhausted("monthly quota", status=403),
        AuthenticationFailed("bad app secret", status=400),
        UnexpectedResponse("tasks.createTime: bad shape"),
        RuntimeError("a bug"),
    ],
)
def test_outages_quotas_and_surprises_are_retried_for_as_long_as_it_takes(
    failure: Exception,
) -> None:
    event_id = deliver()
    source = FakeDingTalk(instance())
    source.failure = failure
    moment = timezone.now()
    for _ in range(30):
        process(event_id, source, now=moment)
        moment += timedelta(minutes=10)
    stored = InboundEvent.objects.get(pk=event_id)
    assert (stored.processed_at, stored.attempts) == (None, 30)
    assert stored.outcome.startswith("will retry")

    source.failure = None
    assert process(event_id, source, now=moment).endswith(" created")


def test_a_delivery_being_processed_is_not_taken_twice() -> None:
    event_id = deliver()
    source = FakeDingTalk(instance())
    moment = timezone.now()
    assert inbox._claim(event_id, moment)

    assert process(event_id, source, now=moment) == ""
    assert source.calls == 0
    assert process(event_id, source, now=moment + inbox.CLAIM).endswith(" created")


@pytest.mark.django_db(transaction=True)
def test_processing_starts_in_the_background_once_the_delivery_is_committed(
    monkeypatch: pytest.MonkeyPatch, demo_catalog: None
) -> None:
    source = FakeDingTalk(instance())
    submitted: list[int] = []
    monkeypatch.setattr(inbox.dispatcher, "submit", submitted.append)

    with transaction.atomic():
        event_id = deliver()
        assert submitted == []

    assert submitted == [event_id]
    process(submitted[0], source)
    assert Release.objects.count() == 1


def test_a_node_delivery_waits_for_dingtalk_to_complete_the_approval() -> None:
    from releasegate.integrations.dingtalk.models import InstanceResult, InstanceStatus

    event_id = record_delivery(
        via="connector", event_type="connector_node", instance_id="inst-1", payload={}
    ).pk
    source = FakeDingTalk(instance(status=InstanceStatus.RUNNING, result=InstanceResult.NONE))

    assert process(event_id, source).startswith("waiting for DingTalk")
    assert pending() == []
    later = timezone.now() + timedelta(seconds=6)
    assert pending(now=later) == [event_id]
    source.instances["inst-1"] = instance()
    assert process(event_id, source, now=later).endswith(" created")
    assert pending() == []

    late = record_delivery(
        via="connector", event_type="connector_node", instance_id="inst-2", payload={}
    ).pk
    source.instances["inst-2"] = instance(
        "inst-2", status=InstanceStatus.RUNNING, result=InstanceResult.NONE
    )
    hours_later = timezone.now() + timedelta(hours=2)
    assert process(late, source, now=hours_later) == "approval RUNNING"
    assert pending() == []


def test_retries_back_off_up_to_five_minutes() -> None:
    assert [inbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 10)] == [
        5,
        10,
        20,
        40,
        300,
    ]
