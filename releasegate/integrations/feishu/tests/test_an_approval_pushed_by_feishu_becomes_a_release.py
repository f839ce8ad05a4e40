"""The whole way in over real sockets: a person fills the form in the simulated Feishu
(its options asked of ReleaseGate's running server), Feishu pushes encrypted, signed
events to ReleaseGate, the inbox stores them, processing asks Feishu's API about the
instance, and the approved form becomes one release; duplicates change nothing, and a
refusal or a cancellation releases nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings as django_settings
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from releasegate.cli.demo_feishu import DEMO_FEISHU
from releasegate.config import load
from releasegate.integrations.feishu.approvals import FeishuApprovals
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.releases import inbox
from releasegate.releases.models import Approval, InboundEvent, Release, ReleaseState
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import SimSettings

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]

DEMO = SimSettings.demo()
OPEN_ID = {person.user_id: person.open_id for person in DEMO.people}
FORM = {
    "项目名称": "商城 (mall)",
    "应用名称": "订单服务 (mall/order-service)",
    "发布类型": "全量",
    "是否有数据库变更": "否",
    "分支或标签": "v3.8.0",
}
Pushing = tuple[FeishuControl, FeishuClient]


@pytest.fixture
def pushing(
    live_server: LiveServer, start_feishu: Callable[..., FeishuSimulator], settings: Settings
) -> Iterator[Pushing]:
    simulator = start_feishu(
        event_url=f"{live_server.url}/feishu/events",
        options_url=f"{live_server.url}/feishu/options",
    )
    demo = load({**DEMO_FEISHU, "FEISHU_API_BASE": simulator.url}).feishu
    settings.CONFIG = dataclasses.replace(settings.CONFIG, feishu=demo)
    control = FeishuControl(simulator.url)
    client = FeishuClient(app_id=DEMO.app_id, app_secret=DEMO.app_secret, api_base=simulator.url)
    yield control, client
    client.close()
    control.close()


def process_inbox(control: FeishuControl, client: FeishuClient) -> list[str]:
    control.settle()
    options = django_settings.CONFIG.options
    sources = {
        "feishu": FeishuApprovals(client, DEMO.approval_code, options.form, options.releases)
    }
    return [inbox.process(event_id, sources) for event_id in inbox.pending()]


def test_an_approval_pushed_event_by_event_becomes_one_release(pushing: Pushing) -> None:
    control, client = pushing
    code = control.submit(FORM, "zhangsan")
    process_inbox(control, client)
    assert Release.objects.count() == 0
    assert Approval.objects.get().status == "pending"

    control.approve(code, "lisi")
    control.approve(code, "wangwu")
    outcomes = process_inbox(control, client)

    assert any(outcome.endswith(" created") for outcome in outcomes)
    release = Release.objects.get()
    assert release.approval.instance_id == code
    assert release.state == ReleaseState.RECEIVED
    assert release.application_name == "mall/order-service"
    assert release.requested_parameters == {"TAG": "v3.8.0", "RELEASE_TYPE": "全量"}
    assert release.originator_user_id == OPEN_ID["zhangsan"]
    assert sorted(release.approver_user_ids) == sorted([OPEN_ID["lisi"], OPEN_ID["wangwu"]])
    pushed = InboundEvent.objects.filter(provider="feishu", via="event", instance_id=code)
    assert {event.event_type for event in pushed} >= {"approval_instance", "approval_task"}
    assert {event["state"] for event in control.events()} == {"delivered"}
    assert [call["source"] for call in control.options_calls()][:2] == ["projects", "applications"]


def test_events_delivered_again_make_nothing_new(pushing: Pushing) -> None:
    control, client = pushing
    code = control.submit(FORM, "zhangsan")
    control.approve(code, "lisi")
    control.approve(code, "wangwu")
    process_inbox(control, client)
    stored = InboundEvent.objects.count()

    for event in control.events():
        control.redeliver(event["id"])
    process_inbox(control, client)

    assert InboundEvent.objects.count() == stored
    assert Release.objects.count() == 1


@pytest.mark.parametrize("ending", ["reject", "cancel"])
def test_a_refusal_or_a_cancellation_releases_nothing(pushing: Pushing, ending: str) -> None:
    control, client = pushing
    code = control.submit(FORM, "zhangsan")
    control.approve(code, "lisi")
    if ending == "reject":
        control.reject(code, "wangwu", "今天不发")
    else:
        control.cancel(code, "zhangsan")
    process_inbox(control, client)

    assert Release.objects.count() == 0
    approval = Approval.objects.get()
    assert (approval.status, approval.provider_status) == (
        ("refused", "REJECTED") if ending == "reject" else ("withdrawn", "CANCELED")
    )
