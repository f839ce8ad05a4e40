"""With `DINGTALK_CARD_CALLBACK=stream` a card's clicks reach ReleaseGate on the app's
Stream connection (`releasegate stream`, topic `/v1.0/card/instances/callback`) instead
of an HTTP callback: no public address is needed, and the click acts just the same. Over
real sockets: the simulator sends the click as a CALLBACK frame and applies the
`{"response": …}` in the answer to the card."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings as django_settings
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from releasegate.integrations.dingtalk.stream import stream_receiver
from releasegate.integrations.dingtalk.tests.cards import FORM, CardDesk, open_desk
from releasegate.integrations.dingtalk.tests.streaming import FAST, RunningStream, connected
from releasegate.releases.models import ApprovalCard
from releasegate.simulators.dingtalk.server import DingTalkSimulator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("demo_catalog")]


@pytest.fixture
def desk(
    live_server: LiveServer, start_dingtalk: Callable[..., DingTalkSimulator], settings: Settings
) -> Iterator[CardDesk]:
    simulator = start_dingtalk(
        event_url=f"{live_server.url}/dingtalk/events", stream_ping_interval=None
    )
    opened = open_desk(live_server, simulator, settings, DINGTALK_CARD_CALLBACK="stream")
    running = RunningStream(stream_receiver(django_settings.CONFIG, FAST))
    connected(opened.control)
    yield opened
    running.stop()


def test_a_click_over_stream_decides_the_approvers_task(desk: CardDesk) -> None:
    instance_id = desk.control.submit("zhangsan", FORM)
    desk.deliver()
    [card] = desk.control.cards()

    clicked = desk.click("lisi", "lisi", "agree")

    assert card["callbackType"] == "STREAM"
    assert clicked["outcome"] == "answered"
    assert clicked["card"]["public"]["status_text"] == "lisi 已在卡片中同意"
    assert desk.executes() == 1
    assert desk.control.instance(instance_id)["waiting_on"] == ["wangwu"]
    assert ApprovalCard.objects.get().state == "agreed"
    # No callback URL was registered: nothing of ReleaseGate's needs to be public.
    assert desk.control.requests("/v1.0/card/callbacks/register") == []


def test_a_strangers_click_over_stream_does_nothing(desk: CardDesk) -> None:
    desk.control.submit("zhangsan", FORM)
    desk.deliver()

    clicked = desk.click("lisi", "wangwu", "refuse")

    assert desk.executes() == 0
    assert clicked["card"]["private"]["wangwu"]["status_text"] == "不是你的审批任务，未做任何操作"
