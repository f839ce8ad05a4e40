"""DingTalk pushes events for every approval form of the company; only instances of the
release form (DINGTALK_PROCESS_CODE) may become releases."""

from __future__ import annotations

import pytest

from releasegate.releases.inbox import process, record_delivery
from releasegate.releases.models import Release
from releasegate.releases.tests.approvals import PROCESS_CODE, FakeDingTalk, instance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def deliver(via: str, process_code: str | None) -> int:
    payload = {"processInstanceId": "inst-1"}
    if process_code is not None:
        payload["processCode"] = process_code
    event_type = "connector_node" if via == "connector" else "bpms_instance_change"
    return record_delivery(via=via, event_type=event_type, instance_id="inst-1", payload=payload).pk


def test_an_event_of_another_form_is_ignored_without_asking_dingtalk() -> None:
    source = FakeDingTalk(instance())

    outcome = process(deliver("event", "PROC-LEAVE-REQUEST"), source)

    assert outcome == "ignored: an approval of another form (PROC-LEAVE-REQUEST)"
    assert source.calls == 0
    assert Release.objects.count() == 0


def test_an_event_of_the_release_form_is_released() -> None:
    assert process(deliver("stream", PROCESS_CODE), FakeDingTalk(instance())).endswith("created")


def test_a_delivery_that_names_no_form_is_checked_against_the_forms_list() -> None:
    source = FakeDingTalk(instance())
    source.foreign.add("inst-1")

    outcome = process(deliver("connector", None), source)

    assert outcome == "ignored: not an instance of the release approval form"
    assert Release.objects.count() == 0
    source.foreign.clear()
    assert process(deliver("connector", "PROC-ANYTHING"), source).endswith("created")
