"""The whole way in over real sockets: the DingTalk simulator pushes encrypted events to
ReleaseGate's running web server, the inbox stores them, processing asks the simulator's
API about the instance, and the approved form becomes one release."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.config import load
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.tests.instances import dingtalk_sources
from releasegate.releases import inbox
from releasegate.releases.models import Approval, InboundEvent, Release, ReleaseState
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

FORM = {
    "项目名称": "商城 (mall)",
    "应用名称": "订单服务 (mall/order-service)",
    "发布类型": "全量",
    "发布时间": "",
    "是否有数据库变更": "否",
    "分支或标签": "v3.8.0",
}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]


@pytest.fixture
def pushing_dingtalk(
    live_server: LiveServer,
    start_dingtalk: Callable[..., DingTalkSimulator],
    settings: Settings,
) -> DingTalkSimulator:
    """The demo DingTalk, pushing events to this test's running ReleaseGate, which is
    configured for the demo app with the simulator as DingTalk's API."""
    simulator = start_dingtalk(event_url=f"{live_server.url}/dingtalk/events")
    demo = load(
        {**DEMO_DINGTALK, "DINGTALK_API_BASE": simulator.url, "DINGTALK_OAPI_BASE": simulator.url}
    ).dingtalk
    settings.CONFIG = dataclasses.replace(settings.CONFIG, dingtalk=demo)
    return simulator


def process_inbox(client: DingTalkClient) -> list[str]:
    sources = dingtalk_sources(client)
    return [inbox.process(event_id, sources) for event_id in inbox.pending()]


def test_an_approval_pushed_event_by_event_becomes_one_release(
    pushing_dingtalk: DingTalkSimulator, connect_dingtalk: Callable[..., DingTalkClient]
) -> None:
    control = DingTalkControl(pushing_dingtalk.url)
    client = connect_dingtalk(pushing_dingtalk)
    instance_id = control.submit("zhangsan", FORM)
    process_inbox(client)
    assert Release.objects.count() == 0
    assert (Approval.objects.get().status, Approval.objects.get().provider_status) == (
        "pending",
        "RUNNING",
    )

    control.agree(instance_id, "lisi")
    control.agree(instance_id, "wangwu")
    outcomes = process_inbox(client)

    assert any(outcome.endswith(" created") for outcome in outcomes)
    release = Release.objects.get()
    assert release.approval.instance_id == instance_id
    assert release.state == ReleaseState.RECEIVED
    assert release.application_name == "mall/order-service"
    assert release.requested_parameters == {"TAG": "v3.8.0", "RELEASE_TYPE": "全量"}
    assert release.originator_user_id == "zhangsan"
    assert release.approver_user_ids == ["lisi", "wangwu"]
    pushed = InboundEvent.objects.filter(via="event", instance_id=instance_id)
    assert {event.event_type for event in pushed} == {"bpms_instance_change", "bpms_task_change"}
    assert all(event.delivery_id for event in pushed)
    assert {event["state"] for event in control.events()} == {"delivered"}


def test_a_revoked_approval_releases_nothing(
    pushing_dingtalk: DingTalkSimulator, connect_dingtalk: Callable[..., DingTalkClient]
) -> None:
    control = DingTalkControl(pushing_dingtalk.url)
    client = connect_dingtalk(pushing_dingtalk)
    instance_id = control.submit("zhangsan", FORM)
    control.agree(instance_id, "lisi")

    control.terminate(instance_id)
    process_inbox(client)

    assert Release.objects.count() == 0
    assert (Approval.objects.get().status, Approval.objects.get().provider_status) == (
        "withdrawn",
        "TERMINATED",
    )


def test_an_approval_revoked_after_it_was_granted_cancels_the_release(
    pushing_dingtalk: DingTalkSimulator, connect_dingtalk: Callable[..., DingTalkClient]
) -> None:
    control = DingTalkControl(pushing_dingtalk.url)
    client = connect_dingtalk(pushing_dingtalk)
    instance_id = control.submit("zhangsan", FORM)
    control.agree(instance_id, "lisi")
    control.agree(instance_id, "wangwu")
    process_inbox(client)
    assert Release.objects.get().state == ReleaseState.RECEIVED

    (revocation_id,) = control.revoke(instance_id)["attachedProcessInstanceIds"]
    outcomes = process_inbox(client)

    release = Release.objects.get()
    assert f"release {release.pk} cancelled: approval COMPLETED agree REVOKE" in outcomes
    assert release.state == ReleaseState.CANCELLED
    assert f"REVOKE by {revocation_id}" in release.reason
    # Recorded on the approval it took back; the revocation is no approval of its own.
    assert Approval.objects.get().taken_back_by == revocation_id
