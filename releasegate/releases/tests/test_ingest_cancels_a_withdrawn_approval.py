from __future__ import annotations

import dataclasses

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


def revoked_by_an_attached_instance(
    source: FakeDingTalk, *, status: InstanceStatus, result: InstanceResult
) -> None:
    """The approved instance stays COMPLETED + agree, bizAction NONE, and lists the
    revocation, which carries bizAction REVOKE (how the simulator shows it)."""
    source.instances["revocation-1"] = dataclasses.replace(
        instance("revocation-1", status=status, result=result),
        biz_action=BizAction.REVOKE,
        main_process_instance_id="inst-1",
    )
    source.instances["inst-1"] = dataclasses.replace(
        instance(), attached_process_instance_ids=("revocation-1",)
    )


def test_a_revocation_only_the_attached_instance_shows_cancels_the_release() -> None:
    source = FakeDingTalk(instance())
    ingest(source)
    revoked_by_an_attached_instance(
        source, status=InstanceStatus.COMPLETED, result=InstanceResult.AGREE
    )

    outcome = ingest(source)

    release = Release.objects.get()
    assert outcome.cancelled
    assert release.state == ReleaseState.CANCELLED
    assert "REVOKE by revocation-1" in release.reason
    assert release.approval.biz_action == "REVOKE"


def test_a_refused_revocation_leaves_the_release_alone() -> None:
    source = FakeDingTalk(instance())
    ingest(source)
    revoked_by_an_attached_instance(
        source, status=InstanceStatus.COMPLETED, result=InstanceResult.REFUSE
    )

    outcome = ingest(source)

    assert not outcome.cancelled
    assert Release.objects.get().state == ReleaseState.RECEIVED
    assert Release.objects.get().approval.biz_action == "NONE"


def test_an_approval_first_seen_already_revoked_by_an_attached_instance_creates_nothing() -> None:
    source = FakeDingTalk()
    revoked_by_an_attached_instance(
        source, status=InstanceStatus.RUNNING, result=InstanceResult.NONE
    )

    outcome = ingest(source)

    assert (outcome.created, outcome.release_id) == (False, None)
    assert Release.objects.count() == 0


def test_an_attached_instance_dingtalk_no_longer_has_changes_nothing() -> None:
    source = FakeDingTalk(instance())
    ingest(source)
    source.instances["inst-1"] = dataclasses.replace(
        instance(), attached_process_instance_ids=("gone-1",)
    )

    outcome = ingest(source)

    assert not outcome.cancelled
    assert Release.objects.get().state == ReleaseState.RECEIVED


def test_an_answer_from_before_the_approval_finished_does_not_undo_it() -> None:
    """Two deliveries processed side by side: the connector node's asked DingTalk while
    the instance still waited on the node (RUNNING), the event's after it completed; the
    stale answer stored last must not make the release look unapproved."""
    source = FakeDingTalk(instance())
    ingest(source)
    source.instances["inst-1"] = instance(status=InstanceStatus.RUNNING, result=InstanceResult.NONE)

    outcome = ingest(source)

    assert not outcome.cancelled
    approval = Release.objects.get().approval
    assert (approval.status, approval.result) == ("COMPLETED", "agree")
    assert approval.agreed_by == ["lisi", "wangwu"]
    assert Release.objects.get().state == ReleaseState.RECEIVED


def test_an_answer_from_before_a_revocation_does_not_release_it() -> None:
    source = FakeDingTalk()
    revoked_by_an_attached_instance(
        source, status=InstanceStatus.COMPLETED, result=InstanceResult.AGREE
    )
    ingest(source)
    source.instances["inst-1"] = instance()  # read before the revocation was attached

    outcome = ingest(source)

    assert (outcome.created, outcome.release_id) == (False, None)
    assert Release.objects.count() == 0
