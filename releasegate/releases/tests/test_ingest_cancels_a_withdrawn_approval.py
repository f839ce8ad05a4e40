from __future__ import annotations

import pytest

from releasegate.releases.approvals.errors import ApprovalNotFound
from releasegate.releases.approvals.instance import ApprovalStatus
from releasegate.releases.ingest import IngestOutcome, ingest_approval
from releasegate.releases.models import Release, ReleaseState
from releasegate.releases.tests.approvals import FakeApprovals, instance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def ingest(source: FakeApprovals, instance_id: str = "inst-1") -> IngestOutcome:
    return ingest_approval(source, instance_id, via="event", form_vouched=True)


def test_a_withdrawn_approval_cancels_a_release_that_has_not_started() -> None:
    source = FakeApprovals(instance())
    ingest(source)
    source.instances["inst-1"] = instance(status=ApprovalStatus.WITHDRAWN)

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
    source = FakeApprovals(instance())
    ingest(source)
    Release.objects.update(state=ReleaseState.RUNNING)
    source.instances["inst-1"] = instance(status=ApprovalStatus.WITHDRAWN)

    first, second = ingest(source), ingest(source)

    assert not first.cancelled and not second.cancelled
    release = Release.objects.get()
    assert release.state == ReleaseState.RUNNING
    assert release.events.filter(kind="approval-withdrawn").count() == 1


def test_a_deleted_approval_cancels_a_release_that_has_not_started() -> None:
    source = FakeApprovals(instance())
    ingest(source)
    del source.instances["inst-1"]

    outcome = ingest(source)

    assert (outcome.cancelled, outcome.status) == (True, "deleted")
    assert Release.objects.get().state == ReleaseState.CANCELLED
    assert "删除" in Release.objects.get().events.get(kind="state").reason


def test_an_approval_never_seen_and_not_found_records_nothing() -> None:
    with pytest.raises(ApprovalNotFound):
        ingest(FakeApprovals())

    assert Release.objects.count() == 0


def test_an_approval_taken_back_after_it_was_granted_cancels_the_release() -> None:
    source = FakeApprovals(instance())
    ingest(source)
    source.instances["inst-1"] = instance(taken_back_by="revocation-1")

    outcome = ingest(source)

    release = Release.objects.get()
    assert outcome.cancelled
    assert release.state == ReleaseState.CANCELLED
    assert "REVOKE by revocation-1" in release.reason
    assert (release.approval.taken_back, release.approval.taken_back_by) == (True, "revocation-1")


def test_an_approval_taken_back_before_we_saw_it_creates_nothing() -> None:
    outcome = ingest(FakeApprovals(instance(taken_back_by="revocation-1")))

    assert (outcome.created, outcome.release_id) == (False, None)
    assert Release.objects.count() == 0


def test_an_answer_from_before_the_approval_finished_does_not_undo_it() -> None:
    """Two deliveries processed side by side: DingTalk's connector node asked while the
    approval still waited on the node (pending), the event's after it completed; the
    stale answer stored last must not make the release look unapproved."""
    source = FakeApprovals(instance())
    ingest(source)
    source.instances["inst-1"] = instance(status=ApprovalStatus.PENDING)

    outcome = ingest(source)

    assert not outcome.cancelled
    approval = Release.objects.get().approval
    assert (approval.status, approval.provider_status) == ("approved", "COMPLETED agree")
    assert approval.approved_by == ["lisi", "wangwu"]
    assert Release.objects.get().state == ReleaseState.RECEIVED


def test_an_answer_from_before_it_was_taken_back_does_not_release_it() -> None:
    source = FakeApprovals(instance(taken_back_by="revocation-1"))
    ingest(source)
    source.instances["inst-1"] = instance()  # read before it was taken back

    outcome = ingest(source)

    assert (outcome.created, outcome.release_id) == (False, None)
    assert Release.objects.count() == 0
