"""Many deliveries of the same approval at once, from every way in, in threads with
their own database connections: exactly one release. CI runs this on PostgreSQL too."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from releasegate.releases.inbox import process, record_delivery
from releasegate.releases.models import Approval, InboundEvent, Release
from releasegate.releases.tests.approvals import PROVIDER, FakeApprovals, instance, sources

WAYS_IN = ("event", "stream", "connector", "event", "stream", "connector", "reconcile", "event")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("demo_catalog")
def test_simultaneous_deliveries_from_every_way_in_create_one_release() -> None:
    source = FakeApprovals(instance("inst-race"))
    events = [
        record_delivery(
            via=via,
            event_type="connector_node" if via == "connector" else "bpms_instance_change",
            provider=PROVIDER,
            instance_id="inst-race",
            delivery_id=f"{via}-{n}",
            payload={},
        ).pk
        for n, via in enumerate(WAYS_IN)
    ]
    start = threading.Barrier(len(events))
    failures: list[BaseException] = []

    def deliver(event_id: int) -> None:
        try:
            start.wait(5)
            process(event_id, sources(source))
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(pk,)) for pk in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert failures == []
    assert Approval.objects.count() == 1
    assert Release.objects.count() == 1
    assert Release.objects.get().events.filter(kind="received").count() == 1
    outcomes = list(InboundEvent.objects.values_list("outcome", flat=True))
    assert sum(outcome.endswith(" created") for outcome in outcomes) == 1
    assert all(outcome.startswith("release ") for outcome in outcomes)
