"""With no public address, a decision card's click comes over the long connection as a
frame of type `card`: ReleaseGate's client answers it in the acknowledgement, so the
approver's task is decided and the card shows it, as over the event endpoint."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.utils import timezone
from pytest_django.fixtures import Settings

from releasegate.cli.demo_feishu import DEMO_FEISHU
from releasegate.config import load
from releasegate.integrations.feishu.approvals import FeishuApprovals
from releasegate.integrations.feishu.cards import send_due_cards
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.integrations.feishu.stream import answer_pushed_card, store_pushed
from releasegate.integrations.feishu.ws_client import LongConnection, LongConnectionOptions
from releasegate.lib.http import Timeouts
from releasegate.releases import inbox
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import SimSettings
from releasegate.tests.waiting import eventually

DEMO = SimSettings.demo()
LISI = next(person for person in DEMO.people if person.user_id == "lisi")
FAST = LongConnectionOptions(silence_seconds=30, backoff_initial=0.02, backoff_max=0.2)
FORM = {"项目名称": "mall", "应用名称": "order-service"}
Connected = tuple[FeishuControl, FeishuApprovals]


@pytest.fixture
def connected(settings: Settings) -> Iterator[Connected]:
    simulator = FeishuSimulator(SimSettings.demo(event_delivery="long_connection")).start()
    environ = {**DEMO_FEISHU, "FEISHU_API_BASE": simulator.url, "FEISHU_DECISION_CARDS": "1"}
    settings.CONFIG = dataclasses.replace(settings.CONFIG, feishu=load(environ).feishu)
    receiving = LongConnection(
        app_id=DEMO.app_id,
        app_secret=DEMO.app_secret,
        handler=store_pushed,
        card_handler=answer_pushed_card,
        api_base=simulator.url,
        options=FAST,
        timeouts=Timeouts.uniform(5),
    )

    def run() -> None:
        try:
            receiving.run()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    control = FeishuControl(simulator.url)
    client = FeishuClient(app_id=DEMO.app_id, app_secret=DEMO.app_secret, api_base=simulator.url)
    options = django_settings.CONFIG.options
    yield control, FeishuApprovals(client, DEMO.approval_code, options.form, options.releases)
    receiving.stop()
    thread.join(10)
    client.close()
    control.close()
    simulator.stop()


@pytest.mark.django_db(transaction=True)
def test_an_approval_clicked_on_a_card_is_answered_over_the_long_connection(
    connected: Connected,
) -> None:
    control, approvals = connected
    eventually(control.long_connection.open_connections, timeout=10)
    code = control.submit(FORM)
    assert control.long_connection.settle()
    for event_id in inbox.pending():
        inbox.process(event_id, {"feishu": approvals})
    send_due_cards(approvals, timezone.now())
    card = next(m for m in control.messages("message", LISI.open_id))

    click = control.click_card(card["id"], "lisi", 0)

    assert (click["status"], click["outcome"]) == (200, "success")
    assert click["toast"] == {"type": "success", "content": "你已同意"}
    assert click["card_updated"]
    assert "lisi" not in control.instance(code)["waiting_on"]
