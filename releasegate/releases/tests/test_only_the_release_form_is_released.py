"""Platforms push events for every approval form of the company; only approvals of the
release form may become releases."""

from __future__ import annotations

import pytest

from releasegate.releases.inbox import process, record_delivery
from releasegate.releases.models import Release
from releasegate.releases.tests.approvals import (
    PROVIDER,
    RELEASE_FORM,
    FakeApprovals,
    instance,
    sources,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def deliver(via: str, form: str | None) -> int:
    """A delivery as the receivers store it: a form named by an authenticated delivery
    (an event push, a stream) vouches for it; the connector node's body does not."""
    payload = {"processInstanceId": "inst-1", **({"processCode": form} if form else {})}
    vouched = form if via in ("event", "stream") and form else ""
    event_type = "connector_node" if via == "connector" else "bpms_instance_change"
    return record_delivery(
        via=via,
        event_type=event_type,
        provider=PROVIDER,
        instance_id="inst-1",
        form_code=vouched,
        payload=payload,
    ).pk


def test_an_event_of_another_form_is_ignored_without_asking_the_platform() -> None:
    source = FakeApprovals(instance())

    outcome = process(deliver("event", "PROC-LEAVE-REQUEST"), sources(source))

    assert outcome == "ignored: an approval of another form (PROC-LEAVE-REQUEST)"
    assert source.calls == 0
    assert Release.objects.count() == 0


def test_an_event_of_the_release_form_is_released_without_asking_which_form() -> None:
    source = FakeApprovals(instance())

    assert process(deliver("stream", RELEASE_FORM), sources(source)).endswith("created")
    assert source.form_checks == 0


def test_a_delivery_that_names_no_form_is_checked_with_the_platform() -> None:
    source = FakeApprovals(instance())
    source.foreign.add("inst-1")

    outcome = process(deliver("connector", None), sources(source))

    assert outcome == "ignored: not an instance of the release approval form"
    assert Release.objects.count() == 0
    source.foreign.clear()
    assert process(deliver("connector", "PROC-ANYTHING"), sources(source)).endswith("created")
    assert source.form_checks == 2


def test_an_approval_already_released_is_not_checked_again() -> None:
    source = FakeApprovals(instance())
    process(deliver("connector", None), sources(source))

    process(deliver("connector", None), sources(source))

    assert source.form_checks == 1
