"""A simulated Feishu that pushes to ReleaseGate's running server with decision cards on,
for the tests of deciding from a card: a request is submitted, its events processed, and
the approvers' cards sent, all over real sockets."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from releasegate.cli.demo_feishu import DEMO_FEISHU
from releasegate.config import load
from releasegate.integrations.feishu.approvals import FeishuApprovals
from releasegate.integrations.feishu.cards import send_due_cards
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.releases import inbox
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import SimSettings

DEMO = SimSettings.demo()
OPEN_ID = {person.user_id: person.open_id for person in DEMO.people}
FORM = {
    "项目名称": "商城 (mall)",
    "应用名称": "订单服务 (mall/order-service)",
    "发布类型": "全量",
    "是否有数据库变更": "否",
    "分支或标签": "v3.8.0",
}
APPROVE, REJECT = 0, 1


@dataclass
class CardWorld:
    control: FeishuControl
    approvals: FeishuApprovals

    def process_inbox(self) -> list[str]:
        self.control.settle()
        sources = {"feishu": self.approvals}
        return [inbox.process(event_id, sources) for event_id in inbox.pending()]

    def request(self) -> str:
        """Zhangsan asks for a release; its events processed and the cards sent."""
        code = self.control.submit(FORM, "zhangsan")
        self.process_inbox()
        send_due_cards(self.approvals, timezone.now())
        return code

    def card_of(self, user: str) -> dict[str, Any]:
        """The decision card `user` was sent (the latest)."""
        cards = [
            m
            for m in self.control.messages("message", OPEN_ID[user])
            if m["msg_type"] == "interactive"
        ]
        assert cards, f"{user} got no card"
        return cards[-1]

    def click(self, owner: str, button: int, clicker: str | None = None) -> dict[str, Any]:
        """`clicker` (by default the card's owner) clicks a button of `owner`'s card."""
        return self.control.click_card(self.card_of(owner)["id"], clicker or owner, button)


@pytest.fixture
def card_world(
    live_server: LiveServer, start_feishu: Callable[..., FeishuSimulator], settings: Settings
) -> Iterator[CardWorld]:
    simulator = start_feishu(
        event_url=f"{live_server.url}/feishu/events",
        options_url=f"{live_server.url}/feishu/options",
    )
    environ = {**DEMO_FEISHU, "FEISHU_API_BASE": simulator.url, "FEISHU_DECISION_CARDS": "1"}
    settings.CONFIG = dataclasses.replace(settings.CONFIG, feishu=load(environ).feishu)
    control = FeishuControl(simulator.url)
    client = FeishuClient(app_id=DEMO.app_id, app_secret=DEMO.app_secret, api_base=simulator.url)
    options = django_settings.CONFIG.options
    approvals = FeishuApprovals(client, DEMO.approval_code, options.form, options.releases)
    yield CardWorld(control, approvals)
    client.close()
    control.close()
