"""Several workers run the outbox side by side: a notification one of them is sending is
claimed, so the other does not send it too. Found by the chaos run, where two workers on
PostgreSQL sent the same work notifications twice."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest
from pytest_django.fixtures import Settings

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.messages import DingTalkMessenger
from releasegate.integrations.dingtalk.tests.instances import approved_release
from releasegate.releases import outbox
from releasegate.releases.approvals.ports import SentMessage
from releasegate.releases.messages import notify
from releasegate.releases.models import Notification, NotificationState, Release
from releasegate.simulators.dingtalk.control import DingTalkControl

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalog")]


class MeanwhileAnotherWorker(DingTalkMessenger):
    """DingTalk as the first worker reaches it: while its first message is on its way,
    the second worker runs the outbox."""

    def __init__(self, client: DingTalkClient) -> None:
        super().__init__(client, None)
        self.other_worker_sent: int | None = None

    def send_to_people(
        self, user_ids: Sequence[str], title: str, markdown: str, link: str = ""
    ) -> SentMessage:
        if self.other_worker_sent is None:
            self.other_worker_sent = 0
            other = {"dingtalk": DingTalkMessenger(self.client, None)}
            self.other_worker_sent = outbox.deliver_due(other)
        return super().send_to_people(user_ids, title, markdown, link)


@pytest.fixture
def release() -> Release:
    return approved_release()


def test_a_notification_being_sent_is_not_sent_by_another_worker(
    release: Release, dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    notify(release, "started")
    notify(release, "finished")
    first_worker = MeanwhileAnotherWorker(dingtalk_client)

    assert outbox.deliver_due({"dingtalk": first_worker}) == 2

    assert first_worker.other_worker_sent == 0
    sent = dingtalk_sim.messages(kind="work_notification")
    assert len(sent) == 2 * 3  # two notifications, three people each, once
    assert set(Notification.objects.values_list("state", flat=True)) == {NotificationState.SENT}


def test_with_a_public_address_the_message_leads_to_the_releases_page(
    release: Release,
    dingtalk_client: DingTalkClient,
    dingtalk_sim: DingTalkControl,
    settings: Settings,
) -> None:
    public = "https://releasegate.example.org/"
    settings.CONFIG = dataclasses.replace(settings.CONFIG, public_url=public)
    notify(release, "finished")

    outbox.deliver_due({"dingtalk": DingTalkMessenger(dingtalk_client, None)})

    text = str(dingtalk_sim.messages(kind="work_notification")[0])
    assert f"[查看发布详情]({public}releases/{release.pk}/)" in text
