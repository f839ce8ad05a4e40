"""A simulated WeCom calling back ReleaseGate's running server, with approval cards on
and Jenkins (the simulator) holding the application's builds and commits: a request is
submitted, its callbacks processed and the worker's WeCom chores run, all over real
sockets."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from releasegate.background import chores
from releasegate.cli.demo_wecom import DEMO_WECOM
from releasegate.config import load
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.wecom.approvals import WeComApprovals
from releasegate.integrations.wecom.provider import shared_client
from releasegate.releases import inbox
from releasegate.releases.approvals import registry
from releasegate.releases.models import Release
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import DEMO_TOKEN, DEMO_USER
from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.settings import SimSettings
from releasegate.web.tests.records import stored_release

APPLICATION = "mall/order-service"
FORM = {
    "项目名称": {"key": "project:mall", "value": "商城 (mall)"},
    "应用名称": {"key": f"application:{APPLICATION}", "value": "订单服务 (mall/order-service)"},
    "发布类型": "全量",
    "是否有数据库变更": "否",
    "分支或标签": "v3.8.0",
}


@dataclass
class CardWorld:
    control: WeComControl
    public_url: str

    @property
    def source(self) -> WeComApprovals:
        found = registry.get("wecom").source
        assert isinstance(found, WeComApprovals)
        return found

    def process_inbox(self) -> list[str]:
        self.control.settle()
        sources = {"wecom": self.source}
        return [inbox.process(event_id, sources) for event_id in inbox.pending()]

    def run_chores(self) -> None:
        """One turn of the worker's WeCom chores (the reconcile, the cards when on)."""
        now = timezone.now()
        for chore in chores(django_settings.CONFIG):
            if "wecom" in chore.name:
                chore.work(now)

    def request(self) -> str:
        """Zhangsan asks for a release in WeCom; its callbacks processed, chores run."""
        sp_no = self.control.submit(FORM, "zhangsan")
        self.process_inbox()
        self.run_chores()
        return sp_no

    def cards_of(self, user: str) -> list[dict[str, Any]]:
        return [
            m for m in self.control.messages("message", user) if m["msgtype"] == "template_card"
        ]


def configure(settings: Settings, simulator: WeComSimulator, **extra: str) -> None:
    environ = {**DEMO_WECOM, "WECOM_API_BASE": simulator.url, **extra}
    settings.CONFIG = dataclasses.replace(
        settings.CONFIG,
        wecom=load(environ).wecom,
        public_url=extra.get("RELEASEGATE_PUBLIC_URL", ""),
    )
    shared_client(settings.CONFIG)
    registry.rebuild()


@pytest.fixture
def jenkins_configured(settings: Settings, jenkins: JenkinsSimulator) -> None:
    jenkins_settings = dataclasses.replace(
        settings.CONFIG.jenkins, url=jenkins.url, user=DEMO_USER, token=DEMO_TOKEN
    )
    settings.CONFIG = dataclasses.replace(settings.CONFIG, jenkins=jenkins_settings)


@pytest.fixture
def good(jenkins_client: JenkinsClient, sim: SimulatorControl) -> Release:
    """A build released well (TAG v3.7.2), then one with two more commits."""
    sim.push_commits(APPLICATION, {"message": "Old work", "author": "Li Lei"})
    jenkins_client.trigger(APPLICATION, {"TAG": "v3.7.2"})
    sim.advance(600)
    released = jenkins_client.recorded_changes(APPLICATION, builds=1)[0].number
    # The pipeline waits at its `input` step: answered, the next build can run.
    (step,) = jenkins_client.pending_inputs(APPLICATION, released)
    jenkins_client.proceed_input(APPLICATION, released, step)
    sim.advance(600)
    sim.push_commits(
        APPLICATION,
        {"message": "Fix the cart total", "author": "Li Lei"},
        {"message": "Add coupons", "author": "Han Meimei"},
    )
    jenkins_client.trigger(APPLICATION, {"TAG": "v3.7.1"})
    sim.advance(600)
    finished = datetime.now(UTC) - timedelta(days=1)
    return stored_release(
        "good-1",
        received_at=finished - timedelta(hours=1),
        application=APPLICATION,
        job_full_name=APPLICATION,
        build_number=released,
        finished_at=finished,
        approved_parameters={"TAG": "v3.7.2"},
    )


@pytest.fixture
def start_world(
    live_server: LiveServer, settings: Settings, jenkins_configured: None
) -> Iterator[Callable[..., CardWorld]]:
    """`start_world(cards=True)`: the simulated WeCom calling back the live server, and
    ReleaseGate configured for it, with approval cards on or off."""
    started: list[tuple[WeComSimulator, WeComControl]] = []

    def start(*, cards: bool = True) -> CardWorld:
        simulator = WeComSimulator(
            SimSettings.demo(callback_url=f"{live_server.url}/wecom/events")
        ).start()
        control = WeComControl(simulator.url)
        started.append((simulator, control))
        public_url = f"{live_server.url}/"
        flags = {"WECOM_APPROVAL_CARDS": "1", "RELEASEGATE_PUBLIC_URL": public_url}
        configure(settings, simulator, **(flags if cards else {}))
        return CardWorld(control, public_url)

    yield start
    for simulator, control in started:
        control.close()
        simulator.stop()
