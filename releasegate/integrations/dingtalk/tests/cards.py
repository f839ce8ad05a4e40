"""ReleaseGate with DingTalk approval cards on, against the simulator over sockets: the
simulator pushes events to the running server and calls its card callback when a
person clicks; `CardDesk` runs the steps a worker would (process the inbox, deliver
cards) so a test decides when they happen."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.config import load
from releasegate.integrations.dingtalk.cards import CardDelivery
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.provider import shared_client
from releasegate.integrations.dingtalk.tests.instances import dingtalk_sources
from releasegate.releases import inbox
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

TEMPLATE = "releasegate-approval.schema"
CARD_SECRET = "card-callback-secret-for-tests"
FORM = {
    "项目名称": "商城 (mall)",
    "应用名称": "订单服务 (mall/order-service)",
    "发布类型": "全量",
    "发布时间": "",
    "是否有数据库变更": "否",
    "分支或标签": "v3.8.0",
}


def card_settings(
    live_server: LiveServer, simulator: DingTalkSimulator, settings: Settings, **extra: str
) -> None:
    """Point ReleaseGate at the simulator with cards on, calling back to `live_server`
    (`extra`: more settings, e.g. DINGTALK_CARD_CALLBACK="stream")."""
    environ = {
        **DEMO_DINGTALK,
        "DINGTALK_API_BASE": simulator.url,
        "DINGTALK_OAPI_BASE": simulator.url,
        "DINGTALK_CARD_TEMPLATE_ID": TEMPLATE,
        "DINGTALK_CARD_CALLBACK_SECRET": CARD_SECRET,
        **extra,
    }
    demo = load(environ).dingtalk
    assert demo is not None and demo.cards
    settings.CONFIG = dataclasses.replace(
        settings.CONFIG, dingtalk=demo, public_url=live_server.url
    )


@dataclass
class CardDesk:
    control: DingTalkControl
    client: DingTalkClient
    delivery: CardDelivery

    def process_inbox(self) -> list[str]:
        sources = dingtalk_sources(self.client)
        return [inbox.process(event_id, sources) for event_id in inbox.pending()]

    def deliver(self) -> str:
        """What a worker's pass does: ingest what DingTalk pushed, then deliver cards."""
        self.process_inbox()
        return self.delivery.run(timezone.now())

    def card_of(self, user: str) -> dict[str, Any]:
        [card] = [card for card in self.control.cards() if card["userId"] == user]
        return card

    def click(self, user_card: str, user: str, action: str) -> dict[str, Any]:
        return self.control.click(self.card_of(user_card)["outTrackId"], user, action)

    def executes(self) -> int:
        """How many decisions DingTalk took through `processInstances/execute`."""
        calls = self.control.requests("/v1.0/workflow/processInstances/execute")
        return sum(1 for call in calls if call["status"] == 200)


def open_desk(
    live_server: LiveServer, simulator: DingTalkSimulator, settings: Settings, **extra: str
) -> CardDesk:
    from django.conf import settings as django_settings

    card_settings(live_server, simulator, settings, **extra)
    config = django_settings.CONFIG
    assert config.dingtalk is not None
    client = shared_client(config)
    return CardDesk(
        DingTalkControl(simulator.url),
        client,
        CardDelivery(client, config.dingtalk, live_server.url),
    )
