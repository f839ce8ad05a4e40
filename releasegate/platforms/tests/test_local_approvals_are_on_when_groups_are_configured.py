"""ReleaseGate's own approvals are an approval platform of the registry, on when at
least one approver group is configured. They come first, so new requests start there;
the chat platform enabled beside them tells people (over real sockets to the DingTalk
simulator), each by their id there, and e-mail whoever it does not reach."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from pytest_django.fixtures import Settings

from releasegate.background import chores
from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.config import EmailSettings, LocalGroup, LocalOptions, load
from releasegate.releases import outbox
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.ports import ReleaseRequest
from releasegate.releases.models import Notification, NotificationState
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.web.models import Profile

pytestmark = pytest.mark.django_db
GROUPS = [LocalGroup(project="mall", approvers=["lisi", "wangwu", "zhaoliu"], required=2)]


def configure(
    settings: Settings,
    *,
    groups: list[LocalGroup] = GROUPS,
    dingtalk: DingTalkSimulator | None = None,
    email: bool = False,
    public_url: str = "",
) -> None:
    """ReleaseGate's own approvals with `groups`, beside the DingTalk simulator (or no
    DingTalk at all), with e-mail or not."""
    options = settings.CONFIG.options.model_copy(update={"local": LocalOptions(groups=groups)})
    dingtalk_settings = None
    if dingtalk is not None:
        bases = {"DINGTALK_API_BASE": dingtalk.url, "DINGTALK_OAPI_BASE": dingtalk.url}
        dingtalk_settings = load({**DEMO_DINGTALK, **bases}).dingtalk
    settings.CONFIG = dataclasses.replace(
        settings.CONFIG,
        options=options,
        dingtalk=dingtalk_settings,
        email=EmailSettings(host="smtp.example.com") if email else EmailSettings(),
        public_url=public_url,
    )


def test_no_group_leaves_them_off(settings: Settings) -> None:
    configure(settings, groups=[])

    assert "local" in registry.known()
    assert "local" not in registry.enabled()


def test_configured_they_come_first_and_new_requests_start_there(settings: Settings) -> None:
    configure(settings)

    assert list(registry.enabled()) == ["local"]
    assert registry.for_requests().name == "local"
    local = registry.get("local")
    assert local.reconcile_every == timedelta(0)
    assert local.group_chat is False


@pytest.mark.parametrize(("hours", "looked_for"), [(24, True), (0, False)])
def test_the_workers_look_for_expired_requests_when_requests_can_expire(
    settings: Settings, hours: float, looked_for: bool
) -> None:
    configure(settings)
    local = settings.CONFIG.options.local.model_copy(update={"expire_hours": hours})
    options = settings.CONFIG.options.model_copy(update={"local": local})
    settings.CONFIG = dataclasses.replace(settings.CONFIG, options=options)

    intervals = {chore.name: chore.interval for chore in chores(settings.CONFIG)}

    assert intervals.get("local-expiry") == (timedelta(minutes=1) if looked_for else None)


@pytest.mark.usefixtures("demo_catalog")
def test_people_are_told_on_dingtalk_by_their_id_there_else_by_email(
    settings: Settings, dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl
) -> None:
    configure(settings, dingtalk=dingtalk, email=True, public_url="https://rg.example.com/")
    lisi = User.objects.create_user("lisi", "lisi@example.com")
    Profile.objects.create(user=lisi, dingtalk_user_id="lisi")
    User.objects.create_user("wangwu", "wangwu@example.com")
    assert list(registry.enabled()) == ["local", "dingtalk"]
    request = ReleaseRequest(project="mall", application="mall/order-service")
    instance_id = registry.for_requests().source.start("zhangsan", request)

    outbox.deliver_due(registry.messengers())

    [message] = dingtalk_sim.messages(kind="work_notification")
    assert message["to"] == "lisi"
    assert f"https://rg.example.com/requests/{instance_id}/" in message["msg"]["markdown"]["text"]
    assert [m.to for m in mail.outbox] == [["wangwu@example.com"]]
    told = Notification.objects.get()
    assert told.state == NotificationState.SENT
    assert told.not_reached == ["zhaoliu"]
    assert told.reference.startswith("dingtalk:") and told.reference.endswith(" email:1")


def test_a_group_robot_of_the_chat_platform_hears_their_releases_too(
    settings: Settings, dingtalk: DingTalkSimulator
) -> None:
    configure(settings, dingtalk=dingtalk)
    robot = {"DINGTALK_ROBOT_WEBHOOK": f"{dingtalk.url}robot/send?access_token=t"}
    bases = {"DINGTALK_API_BASE": dingtalk.url, "DINGTALK_OAPI_BASE": dingtalk.url}
    with_robot = load({**DEMO_DINGTALK, **bases, **robot}).dingtalk
    settings.CONFIG = dataclasses.replace(settings.CONFIG, dingtalk=with_robot)

    assert registry.get("local").group_chat is True
