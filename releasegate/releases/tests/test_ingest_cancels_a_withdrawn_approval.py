from __future__ import annotations

import pytest
from django.conf import settings

from releasegate.integrations.dingtalk.errors import NotFound
from releasegate.integrations.dingtalk.models import BizAction, InstanceResult, InstanceStatus
from releasegate.releases.ingest import IngestOutcome, ingest_approval
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.approvals import PROCESS_CODE, FakeDingTalk, instance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def ingest(source: FakeDingTalk) -> IngestOutcome:
    options = settings.CONFIG.options
    return ingest_approval(
        source,
        "inst-1",
        via="event",
        mapping=options.dingtalk.form,
        process_code=PROCESS_CODE,
        options=options.releases,
    )


def test_a_revoked_approval_cancels_a_release_that_has_not_started() -> None:
    source = FakeDingTalk(instance())
    ingest(source)
    source.instances["inst-1"] = instance(
        status=InstanceStatus.TERMINATED, result=InstanceResult.NONE, biz_action=BizAction.REVOKE
    )

    outcome = ingest(source)

    assert outcome.cancelled
    release = Release.objects.get()
    assert release.state == ReleaseState.CANCELLED
    cancelled = release.events.get(kind="state")
    assert (cancelled.from_state, cancelled.to_state) == (
        ReleaseState.RECEIVED,
        ReleaseState.CANCELLED,
    )
    assert "撤销" in cancelled.reason


def test_a_release_already_running_is_not_stopped_but_the_audit_trail_says_so() -> None:
    source = FakeDingTalk(instance())
    ingest(source)
    Release.objects.update(state=ReleaseState.RUNNING)
    source.instances["inst-1"] = instance(
        status=InstanceStatus.TERMINATED, result=InstanceResult.NONE
    )

    first, second = ingest(source), ingest(source)

    assert not first.cancelled and not second.cancelled
    release = Release.objects.get()
    assert release.state == ReleaseState.RUNNING
    assert release.events.filter(kind="approval-withdrawn").count() == 1


def test_a_deleted_approval_cancels_a_release_that_has_not_started() -> None:
    source = FakeDingTalk(instance())
    ingest(source)
    del source.instances["inst-1"]

    outcome = ingest(source)

    assert (outcome.cancelled, outcome.status) == (True, "DELETED")
    assert Release.objects.get().state == ReleaseState.CANCELLED
    assert "删除" in Release.objects.get().events.get(kind="state").reason


def test_an_instance_never_seen_and_not_found_records_nothing() -> None:
    with pytest.raises(NotFound):
        ingest(FakeDingTalk())

    assert Release.objects.count() == 0


def test_a_revocation_after_approval_cancels_the_release() -> None:
    """DingTalk keeps a revoked instance COMPLETED + agree; the bizAction tells."""
    source = FakeDingTalk(instance())
    ingest(source)
    source.instances["inst-1"] = instance(biz_action=BizAction.REVOKE)

    outcome = ingest(source)

    assert outcome.cancelled
    assert Release.objects.get().state == ReleaseState.CANCELLED


def test_an_approval_revoked_before_we_saw_it_creates_nothing() -> None:
    for action in (BizAction.REVOKE, BizAction.MODIFY):
        outcome = ingest(FakeDingTalk(instance(biz_action=action)))

        assert (outcome.created, outcome.release_id) == (False, None)
    assert Release.objects.count() == 0


def test_an_attached_instance_leads_to_its_main_instance() -> None:
    import dataclasses

    main = instance()
    source = FakeDingTalk(main)
    ingest(source)
    source.instances["inst-1"] = instance(biz_action=BizAction.MODIFY)
    source.instances["inst-9"] = dataclasses.replace(
        instance("inst-9"), main_process_instance_id="inst-1"
    )

    options = settings.CONFIG.options
    outcome = ingest_approval(
        source,
        "inst-9",
        via="event",
        mapping=options.dingtalk.form,
        process_code=PROCESS_CODE,
        options=options.releases,
    )

    assert outcome.cancelled
    assert Release.objects.count() == 1
    assert Release.objects.get().state == ReleaseState.CANCELLED
