"""A request made from ReleaseGate's side (dashboard, API, CLI) is checked as the form's
submit check would check it, then started in DingTalk on the person's behalf; once the
approvers agree it becomes a release like any approval. Over real sockets to the
DingTalk simulator."""

from __future__ import annotations

import pytest
from django.utils import timezone

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.tests.instances import dingtalk_sources
from releasegate.releases import inbox
from releasegate.releases.approvals.ports import ApprovalSource
from releasegate.releases.models import InboundEvent, Release
from releasegate.releases.refusals import Refusal
from releasegate.releases.requests import ReleaseRequest, RequestRefused, submit
from releasegate.releases.rules import DB_CHANGE_PENDING
from releasegate.simulators.dingtalk.control import DingTalkControl

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]

ORDER = ReleaseRequest(
    project="mall",
    application="mall/order-service",
    release_type="全量",
    parameters={"BRANCH": "v3.8.0"},
)


def approvals_of(client: DingTalkClient) -> ApprovalSource:
    return dingtalk_sources(client)["dingtalk"]


def refusal(
    request: ReleaseRequest, client: DingTalkClient, user: str = "zhangsan"
) -> list[Refusal]:
    with pytest.raises(RequestRefused) as refused:
        submit(request, originator_user_id=user, source=approvals_of(client))
    return refused.value.problems


def process_inbox(client: DingTalkClient) -> None:
    for event_id in inbox.pending():
        inbox.process(event_id, dingtalk_sources(client))


def test_it_starts_the_approval_with_the_forms_own_labels(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    # The DingTalk simulator runs on the wall clock: so does the test's now.
    now = timezone.now()
    instance_id = submit(
        ORDER, originator_user_id="zhangsan", source=approvals_of(dingtalk_client), now=now
    )

    instance = dingtalk_client.get_instance(instance_id)
    assert instance.originator_user_id == "zhangsan"
    assert {f.name: f.value for f in instance.form} == {
        "项目名称": "商城 (mall)",
        "应用名称": "订单服务 (mall/order-service)",
        "发布类型": "全量",
        "是否有数据库变更": "否",
        "分支或标签": "v3.8.0",
    }
    recorded = InboundEvent.objects.get(instance_id=instance_id)
    assert (recorded.via, recorded.payload["originator"]) == ("request", "zhangsan")
    assert recorded.received_at == now


def test_once_approved_it_becomes_one_release(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    instance_id = submit(ORDER, originator_user_id="zhangsan", source=approvals_of(dingtalk_client))
    process_inbox(dingtalk_client)
    assert not Release.objects.exists()  # still with the approvers

    for user in ("lisi", "wangwu"):
        dingtalk_sim.agree(instance_id, user)
    # DingTalk's event about the completed instance, as the event push would store it.
    inbox.record_delivery(
        via="event",
        event_type="bpms_instance_change",
        provider="dingtalk",
        instance_id=instance_id,
        payload={},
    )
    process_inbox(dingtalk_client)

    release = Release.objects.get(approval__instance_id=instance_id)
    assert release.application_name == "mall/order-service"
    assert release.originator_user_id == "zhangsan"
    # The order service calls the field's parameter TAG; the type fills RELEASE_TYPE.
    assert release.requested_parameters == {"TAG": "v3.8.0", "RELEASE_TYPE": "全量"}


def test_a_pending_database_change_is_refused_and_nothing_is_started(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    pending = ReleaseRequest(**{**ORDER.__dict__, "db_change": "是", "db_change_done": "否"})

    assert refusal(pending, dingtalk_client) == [DB_CHANGE_PENDING]
    assert dingtalk_sim.instances() == []
    assert not InboundEvent.objects.exists()


def test_an_application_outside_the_project_is_named(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    elsewhere = ReleaseRequest(**{**ORDER.__dict__, "application": "mall/no-such-service"})

    [problem] = refusal(elsewhere, dingtalk_client)
    assert "mall/no-such-service" in problem


def test_a_parameter_the_form_cannot_carry_is_refused_by_name(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    extra = ReleaseRequest(
        **{**ORDER.__dict__, "parameters": {"BRANCH": "v3.8.0", "REPLICAS": "3"}}
    )

    [problem] = refusal(extra, dingtalk_client)
    assert "REPLICAS" in problem
    assert dingtalk_sim.instances() == []


def test_a_person_without_a_dingtalk_user_id_cannot_request(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    [problem] = refusal(ORDER, dingtalk_client, user="")
    assert "钉钉用户 ID" in problem
