from __future__ import annotations

import pytest

from releasegate.releases.approvals.instance import ApprovalStatus
from releasegate.releases.ingest import IngestOutcome, ingest_approval
from releasegate.releases.models import Approval, Release, ReleaseState
from releasegate.releases.tests.approvals import ORDER_FORM, FakeApprovals, instance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


def ingest(source: FakeApprovals, instance_id: str = "inst-1", via: str = "event") -> IngestOutcome:
    return ingest_approval(source, instance_id, via=via, form_vouched=True)


def test_an_approved_instance_becomes_one_received_release() -> None:
    outcome = ingest(FakeApprovals(instance()))

    assert outcome.created
    release = Release.objects.get()
    assert outcome.release_id == release.pk
    assert release.state == ReleaseState.RECEIVED
    assert release.application is not None
    assert release.application.full_name == "mall/order-service"
    assert release.project_key == "mall"
    assert release.release_type == "灰度"
    assert release.requested_parameters == {"TAG": "v3.7.2", "RELEASE_TYPE": "灰度"}
    assert release.requested_time is None
    assert (release.has_db_change, release.db_change_done) == (False, False)
    assert release.originator_user_id == "zhangsan"
    assert release.approver_user_ids == ["lisi", "wangwu"]
    assert release.received_via == "event"
    event = release.events.get(kind="received")
    assert event.to_state == ReleaseState.RECEIVED
    assert "lisi, wangwu" in event.reason
    assert event.actor == "fake:zhangsan"
    assert event.details["provider"] == "fake"
    approval = Approval.objects.get()
    assert (approval.provider, approval.status, approval.taken_back) == ("fake", "approved", False)
    assert [task["decision"] for task in approval.tasks] == ["approved", "approved"]


def test_every_way_in_delivering_it_again_changes_nothing() -> None:
    source = FakeApprovals(instance())
    ingest(source, via="connector")

    again = [ingest(source, via=via) for via in ("event", "stream", "connector", "event")]

    assert not any(outcome.created for outcome in again)
    assert Release.objects.count() == 1
    assert Release.objects.get().received_via == "connector"
    assert Release.objects.get().events.filter(kind="received").count() == 1
    assert Release.objects.get().events.count() == 3


def test_a_running_approval_is_remembered_but_not_released() -> None:
    source = FakeApprovals(instance(status=ApprovalStatus.PENDING))

    outcome = ingest(source)

    assert not outcome.created
    assert Release.objects.count() == 0
    approval = Approval.objects.get()
    assert (approval.status, approval.provider_status) == ("pending", "RUNNING")
    assert approval.form[1] == {"name": "应用名称", "value": ORDER_FORM["应用名称"]}


def test_a_refused_approval_creates_nothing() -> None:
    outcome = ingest(FakeApprovals(instance(status=ApprovalStatus.REFUSED)))

    assert (outcome.created, outcome.release_id) == (False, None)
    assert Release.objects.count() == 0


def test_an_application_outside_the_catalog_is_still_received_for_the_policies() -> None:
    form = {**ORDER_FORM, "应用名称": "不存在的应用"}

    ingest(FakeApprovals(instance(form=form)))

    release = Release.objects.get()
    assert release.application is None
    assert release.application_name == "不存在的应用"


def test_an_unreadable_release_time_is_kept_as_text() -> None:
    ingest(FakeApprovals(instance(form={**ORDER_FORM, "发布时间": "明天下午"})))

    release = Release.objects.get()
    assert release.requested_time is None
    assert release.requested_time_text == "明天下午"


def test_a_platform_failure_records_nothing() -> None:
    source = FakeApprovals()

    with pytest.raises(Exception, match="no approval missing"):
        ingest(source, "missing")

    assert Approval.objects.count() == 0


def test_oversized_form_values_are_stored_clipped_not_refused_by_the_database() -> None:
    form = {**ORDER_FORM, "应用名称": "应" * 2000, "发布类型": "型" * 300, "项目名称": "项" * 400}

    ingest(FakeApprovals(instance(form=form, originator="u" * 300)))

    release = Release.objects.get()
    assert len(release.application_name) == 1000
    assert len(release.release_type) == 100
    assert len(release.project_key) == 255
    assert len(release.originator_user_id) == 128
