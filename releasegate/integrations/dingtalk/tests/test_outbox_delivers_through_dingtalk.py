"""The outbox against the DingTalk simulator over sockets: work notifications and the
group robot, DingTalk's refusals, its rate limits, and nothing ever blocking a release."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.messages import DingTalkMessenger
from releasegate.integrations.dingtalk.robot import GroupRobot
from releasegate.integrations.dingtalk.tests.instances import approved_release
from releasegate.releases import outbox
from releasegate.releases.approvals.ports import Messenger
from releasegate.releases.messages import notify
from releasegate.releases.models import Notification, NotificationState, Release
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


@pytest.fixture
def release() -> Release:
    return approved_release()


def through(client: DingTalkClient, robot: GroupRobot | None = None) -> dict[str, Messenger]:
    """DingTalk's messenger, as the worker has it."""
    return {"dingtalk": DingTalkMessenger(client, robot)}


@pytest.fixture
def robot(dingtalk: DingTalkSimulator) -> GroupRobot:
    settings = dingtalk.settings
    webhook = f"{dingtalk.url}robot/send?access_token={settings.robot_token}"
    return GroupRobot(webhook, settings.robot_secret)


def queue_news(release: Release, kind: str, channel: str = "people") -> Notification:
    """The news `notify` queues, on `channel` (the test settings configure no robot, so
    a robot message is the same news addressed to the group)."""
    notify(release, kind)
    news = Notification.objects.filter(kind=kind).order_by("-pk").first()
    assert news is not None
    if channel != news.channel:
        news.channel, news.recipients = channel, []
        news.save()
    return news


def test_a_work_notification_reaches_each_person_once(
    release: Release, dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    queue_news(release, "started")

    assert outbox.deliver_due(through(dingtalk_client)) == 1

    sent = dingtalk_sim.messages(kind="work_notification")
    assert sorted(m["to"] for m in sent) == ["lisi", "wangwu", "zhangsan"]
    assert all(f"#{release.pk}" in m["msg"]["markdown"]["title"] for m in sent)
    news = Notification.objects.get()
    assert news.state == NotificationState.SENT
    assert news.reference and news.sent_at is not None


def test_a_rate_limited_dingtalk_is_tried_again_later(
    release: Release, dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    queue_news(release, "finished")
    dingtalk_sim.set_faults(server_error=5)

    outbox.deliver_due(through(dingtalk_client))

    news = Notification.objects.get()
    assert (news.state, news.attempts) == (NotificationState.PENDING, 1)
    assert news.next_attempt_at > timezone.now()
    dingtalk_sim.set_faults()
    outbox.deliver_due(through(dingtalk_client), now=timezone.now() + timedelta(minutes=1))
    assert Notification.objects.get().state == NotificationState.SENT


def test_a_refused_message_is_recorded_and_given_up(
    release: Release,
    start_dingtalk: Callable[..., DingTalkSimulator],
    connect_dingtalk: Callable[..., DingTalkClient],
) -> None:
    simulator = start_dingtalk()
    wrong_agent = connect_dingtalk(simulator, agent_id=999)
    queue_news(release, "rejected")

    outbox.deliver_due(through(wrong_agent))

    news = Notification.objects.get()
    assert news.state == NotificationState.FAILED
    assert news.last_error


def test_the_group_robot_is_signed_and_kept_under_its_rate(
    release: Release,
    robot: GroupRobot,
    dingtalk_client: DingTalkClient,
    dingtalk_sim: DingTalkControl,
) -> None:
    for _ in range(25):
        queue_news(release, "finished", channel="group")

    outbox.deliver_due(through(dingtalk_client, robot))

    assert len(dingtalk_sim.messages(kind="group_robot")) == outbox.GROUP_PER_MINUTE
    waiting = Notification.objects.filter(state=NotificationState.PENDING)
    assert waiting.count() == 25 - outbox.GROUP_PER_MINUTE
    dingtalk_sim.advance(120)  # a minute later, for DingTalk as for us
    outbox.deliver_due(through(dingtalk_client, robot), now=timezone.now() + timedelta(minutes=2))
    assert len(dingtalk_sim.messages(kind="group_robot")) == 25
