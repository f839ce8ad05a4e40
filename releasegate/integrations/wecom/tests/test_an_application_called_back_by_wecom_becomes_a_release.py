"""The whole way in over real sockets: a person fills the form in the simulated WeCom
(the picker's keys for the project and the application), WeCom calls ReleaseGate back
with encrypted XML, the inbox stores each change once, processing reads the application
from WeCom's API, and the approved form becomes one release; a callback dropped by WeCom
is found by the reconcile; a refusal or a revocation releases nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from releasegate.cli.demo_wecom import DEMO_WECOM
from releasegate.config import load
from releasegate.integrations.wecom.approvals import WeComApprovals
from releasegate.integrations.wecom.client import WeComClient
from releasegate.releases import inbox
from releasegate.releases.models import Approval, InboundEvent, Release, ReleaseState
from releasegate.releases.reconcile import reconcile
from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.settings import SimSettings

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]

DEMO = SimSettings.demo()
FORM = {
    "项目名称": {"key": "project:mall", "value": "商城 (mall)"},
    "应用名称": {"key": "application:mall/order-service", "value": "订单服务 (mall/order-service)"},
    "发布类型": "全量",
    "是否有数据库变更": "否",
    "分支或标签": "v3.8.0",
}
Calling = tuple[WeComControl, WeComApprovals]


@pytest.fixture
def calling(live_server: LiveServer, start_wecom: object, settings: Settings) -> Iterator[Calling]:
    simulator = WeComSimulator(
        SimSettings.demo(callback_url=f"{live_server.url}/wecom/events")
    ).start()
    demo = load({**DEMO_WECOM, "WECOM_API_BASE": simulator.url}).wecom
    settings.CONFIG = dataclasses.replace(settings.CONFIG, wecom=demo)
    control = WeComControl(simulator.url)
    client = WeComClient(
        corp_id=DEMO.corp_id,
        corp_secret=DEMO.corp_secret,
        agent_id=DEMO.agent_id,
        api_base=simulator.url,
    )
    options = django_settings.CONFIG.options
    yield control, WeComApprovals(client, DEMO.template_id, options.form, options.releases)
    client.close()
    control.close()
    simulator.stop()


def process_inbox(control: WeComControl, source: WeComApprovals) -> list[str]:
    control.settle()
    return [inbox.process(event_id, {"wecom": source}) for event_id in inbox.pending()]


def test_an_approved_application_becomes_one_release(calling: Calling) -> None:
    control, source = calling
    sp_no = control.submit(FORM, "zhangsan")
    process_inbox(control, source)
    assert Release.objects.count() == 0 and Approval.objects.get().status == "pending"

    control.remind(sp_no, "zhangsan")  # a reminder changes nothing
    control.approve(sp_no, "lisi", "同意")
    control.approve(sp_no, "wangwu")
    outcomes = process_inbox(control, source)

    assert any(outcome.endswith(" created") for outcome in outcomes)
    release = Release.objects.get()
    assert release.approval.instance_id == sp_no
    assert release.state == ReleaseState.RECEIVED
    assert release.application_name == "mall/order-service"
    assert release.requested_parameters == {"TAG": "v3.8.0", "RELEASE_TYPE": "全量"}
    assert (release.originator_user_id, sorted(release.approver_user_ids)) == (
        "zhangsan",
        ["lisi", "wangwu"],
    )
    stored = InboundEvent.objects.filter(provider="wecom", via="event")
    # Submitted, and each approval (even within one second); not the reminder.
    assert stored.count() == 3
    assert {c["state"] for c in control.callbacks()} == {"delivered"}


def test_a_callback_delivered_again_is_stored_once(calling: Calling) -> None:
    control, _ = calling
    control.submit(FORM, "zhangsan")
    control.settle()
    for callback in control.callbacks():
        control.redeliver(callback["id"])
    control.settle()

    assert InboundEvent.objects.filter(provider="wecom").count() == 1


def test_a_dropped_callback_is_found_by_the_reconcile(calling: Calling) -> None:
    control, source = calling
    control.set_chances(drop=1.0)
    sp_no = control.submit(FORM, "zhangsan")
    control.approve(sp_no, "lisi")
    control.approve(sp_no, "wangwu")
    control.settle()
    assert not InboundEvent.objects.exists()

    reconcile(source, timezone.now(), timedelta(hours=1))
    process_inbox(control, source)

    assert Release.objects.get().approval.instance_id == sp_no


@pytest.mark.parametrize("ending", ["refuse", "revoke"])
def test_a_refusal_or_a_revocation_releases_nothing(calling: Calling, ending: str) -> None:
    control, source = calling
    sp_no = control.submit(FORM, "zhangsan")
    control.approve(sp_no, "lisi")
    if ending == "refuse":
        control.refuse(sp_no, "wangwu", "今天不发")
    else:
        control.revoke(sp_no, "zhangsan")
    process_inbox(control, source)

    assert Release.objects.count() == 0
    assert Approval.objects.get().status == ("refused" if ending == "refuse" else "withdrawn")
