"""DingTalk files a revocation or modification made after approval as its own, attached
instance (reference section 7). Through the approval port the approved instance reads as
taken back, whichever of the two instances a delivery names, and a release of it that
has not started is cancelled."""

from __future__ import annotations

import dataclasses

import pytest

from releasegate.integrations.dingtalk.models import BizAction, InstanceResult, InstanceStatus
from releasegate.integrations.dingtalk.tests.instances import (
    FakeDingTalkClient,
    approvals,
    dingtalk_instance,
    revoked_by_an_attached_instance,
)
from releasegate.releases.approvals.instance import ApprovalStatus
from releasegate.releases.ingest import IngestOutcome, ingest_approval
from releasegate.releases.models import Release, ReleaseState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def ingest(client: FakeDingTalkClient, instance_id: str = "inst-1") -> IngestOutcome:
    return ingest_approval(approvals(client), instance_id, via="event", form_vouched=True)


def test_an_approved_instance_reads_as_approved_with_its_tasks() -> None:
    described = approvals(FakeDingTalkClient(dingtalk_instance())).get_instance("inst-1")

    assert (described.provider, described.status) == ("dingtalk", ApprovalStatus.APPROVED)
    assert (described.provider_status, described.taken_back) == ("COMPLETED agree", False)
    assert described.approved_by == ("lisi", "wangwu")
    assert [(t.user_id, t.task_id, t.decision.value) for t in described.tasks] == [
        ("lisi", "1", "approved"),
        ("wangwu", "2", "approved"),
    ]
    assert described.request is not None
    assert described.request.application == "订单服务 (mall/order-service)"


@pytest.mark.parametrize(
    ("status", "result", "expected"),
    [
        (InstanceStatus.RUNNING, InstanceResult.NONE, ApprovalStatus.PENDING),
        (InstanceStatus.NEW, InstanceResult.NONE, ApprovalStatus.PENDING),
        (InstanceStatus.COMPLETED, InstanceResult.REFUSE, ApprovalStatus.REFUSED),
        (InstanceStatus.TERMINATED, InstanceResult.NONE, ApprovalStatus.WITHDRAWN),
        (InstanceStatus.CANCELED, InstanceResult.NONE, ApprovalStatus.WITHDRAWN),
        (InstanceStatus.COMPLETED, InstanceResult.NONE, ApprovalStatus.WITHDRAWN),
    ],
)
def test_dingtalks_statuses_read_in_the_ports_words(
    status: InstanceStatus, result: InstanceResult, expected: ApprovalStatus
) -> None:
    client = FakeDingTalkClient(dingtalk_instance(status=status, result=result))

    assert approvals(client).get_instance("inst-1").status is expected


def test_a_revocation_on_the_instance_itself_takes_it_back() -> None:
    """DingTalk keeps a revoked instance COMPLETED + agree; the bizAction tells."""
    client = FakeDingTalkClient(dingtalk_instance())
    ingest(client)
    client.instances["inst-1"] = dingtalk_instance(biz_action=BizAction.REVOKE)

    outcome = ingest(client)

    assert outcome.cancelled
    release = Release.objects.get()
    assert release.state == ReleaseState.CANCELLED
    assert release.approval.provider_status == "COMPLETED agree REVOKE"


def test_an_approval_revoked_or_modified_before_we_saw_it_creates_nothing() -> None:
    for action in (BizAction.REVOKE, BizAction.MODIFY):
        outcome = ingest(FakeDingTalkClient(dingtalk_instance(biz_action=action)))

        assert (outcome.created, outcome.release_id) == (False, None)
    assert Release.objects.count() == 0


def test_an_attached_instance_leads_to_its_main_instance() -> None:
    client = FakeDingTalkClient(dingtalk_instance())
    ingest(client)
    client.instances["inst-1"] = dingtalk_instance(biz_action=BizAction.MODIFY)
    client.instances["inst-9"] = dataclasses.replace(
        dingtalk_instance("inst-9"), main_process_instance_id="inst-1"
    )

    outcome = ingest(client, "inst-9")

    assert outcome.cancelled
    assert Release.objects.count() == 1
    assert Release.objects.get().state == ReleaseState.CANCELLED


def test_a_revocation_only_the_attached_instance_shows_cancels_the_release() -> None:
    client = FakeDingTalkClient(dingtalk_instance())
    ingest(client)
    revoked_by_an_attached_instance(
        client, status=InstanceStatus.COMPLETED, result=InstanceResult.AGREE
    )

    outcome = ingest(client)

    release = Release.objects.get()
    assert outcome.cancelled
    assert release.state == ReleaseState.CANCELLED
    assert "REVOKE by revocation-1" in release.reason
    assert (release.approval.taken_back, release.approval.taken_back_by) == (True, "revocation-1")


def test_a_pending_revocation_already_takes_it_back() -> None:
    client = FakeDingTalkClient(dingtalk_instance())
    ingest(client)
    revoked_by_an_attached_instance(
        client, status=InstanceStatus.RUNNING, result=InstanceResult.NONE
    )

    assert ingest(client).cancelled


def test_a_refused_revocation_leaves_the_release_alone() -> None:
    client = FakeDingTalkClient(dingtalk_instance())
    ingest(client)
    revoked_by_an_attached_instance(
        client, status=InstanceStatus.COMPLETED, result=InstanceResult.REFUSE
    )

    outcome = ingest(client)

    assert not outcome.cancelled
    assert Release.objects.get().state == ReleaseState.RECEIVED
    assert Release.objects.get().approval.taken_back is False


def test_an_approval_first_seen_already_revoked_by_an_attached_instance_creates_nothing() -> None:
    client = FakeDingTalkClient()
    revoked_by_an_attached_instance(
        client, status=InstanceStatus.RUNNING, result=InstanceResult.NONE
    )

    outcome = ingest(client)

    assert (outcome.created, outcome.release_id) == (False, None)
    assert Release.objects.count() == 0


def test_an_attached_instance_dingtalk_no_longer_has_changes_nothing() -> None:
    client = FakeDingTalkClient(dingtalk_instance())
    ingest(client)
    client.instances["inst-1"] = dataclasses.replace(
        dingtalk_instance(), attached_process_instance_ids=("gone-1",)
    )

    outcome = ingest(client)

    assert not outcome.cancelled
    assert Release.objects.get().state == ReleaseState.RECEIVED


def test_an_instance_of_another_form_is_not_released() -> None:
    client = FakeDingTalkClient(dingtalk_instance())
    client.foreign.add("inst-1")

    outcome = ingest_approval(approvals(client), "inst-1", via="connector")

    assert outcome.describe() == "ignored: not an instance of the release approval form"
    assert Release.objects.count() == 0
