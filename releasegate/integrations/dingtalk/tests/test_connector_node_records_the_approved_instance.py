from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import call, fixture
from releasegate.releases.models import InboundEvent

pytestmark = pytest.mark.django_db


def test_the_node_is_acknowledged_and_stored_as_a_delivery(client: Client) -> None:
    node = fixture("node_after_last_approver")

    status, answer = call(client, "approved", node)

    assert status == 200
    assert answer == {"accepted": True, "instance_id": "a1b2c3d4-approved-0001"}
    [event] = InboundEvent.objects.all()
    assert (event.via, event.event_type, event.instance_id, event.delivery_id) == (
        "connector",
        "connector_node",
        "a1b2c3d4-approved-0001",
        "",
    )
    assert event.payload == node
    assert event.processed_at is None


def test_processing_is_arranged_after_the_commit(
    client: Client, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        call(client, "approved", {"instance_id": "inst-7"})

    assert len(callbacks) == 1


def test_a_repeated_call_is_acknowledged_again_and_stays_about_one_instance(
    client: Client,
) -> None:
    """The asynchronous node retries (three times, reference §1.1); each repeat is one
    more delivery of the same instance, and ingest makes one release of them all."""
    answers = [call(client, "approved", {"instance_id": "inst-7"}) for _ in range(3)]

    assert answers == [(200, {"accepted": True, "instance_id": "inst-7"})] * 3
    assert set(InboundEvent.objects.values_list("instance_id", flat=True)) == {"inst-7"}


def test_the_instance_id_is_trimmed_and_the_form_is_optional(client: Client) -> None:
    status, answer = call(client, "approved", {"instance_id": "  inst-8 \n"})

    assert (status, answer["instance_id"]) == (200, "inst-8")
    assert InboundEvent.objects.get().payload == {"instance_id": "inst-8", "form": {}}
