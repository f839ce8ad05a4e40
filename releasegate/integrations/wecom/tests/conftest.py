"""WeCom configured for ReleaseGate's own tests of its WeCom endpoints."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from releasegate.cli.demo_wecom import DEMO_WECOM
from releasegate.config import WeComSettings, load
from releasegate.integrations.wecom.client import WeComClient
from releasegate.integrations.wecom.tests.card_world import (  # noqa: F401
    good,
    jenkins_configured,
    start_world,
)
from releasegate.lib.http import Timeouts
from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.settings import SimSettings

WECOM = WeComSettings(
    corp_id="wwreleasegatetest",
    corp_secret="wecom-test-secret",
    agent_id=1000002,
    template_id="3TkZjxugodbqpEMk9j7X6h6zKqYkkgq3BCAQrZHK",
    callback_token="QDG6eK",
    callback_aes_key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    api_base="http://127.0.0.1:9",
    robot_webhook="",
)


@pytest.fixture
def wecom(settings: Settings) -> WeComSettings:
    settings.CONFIG = dataclasses.replace(settings.CONFIG, wecom=WECOM)
    return WECOM


@pytest.fixture
def start_wecom() -> Iterator[Callable[..., WeComSimulator]]:
    """Start a simulated WeCom for the demo corp (keyword overrides of its settings)."""
    started: list[WeComSimulator] = []

    def start(**overrides: Any) -> WeComSimulator:
        simulator = WeComSimulator(SimSettings.demo(**overrides)).start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def wecom_app(
    start_wecom: Callable[..., WeComSimulator], settings: Settings
) -> Iterator[tuple[WeComSimulator, WeComControl]]:
    """A simulated WeCom, ReleaseGate configured for its demo corp, and its control API."""
    simulator = start_wecom()
    configured = load({**DEMO_WECOM, "WECOM_API_BASE": simulator.url}).wecom
    settings.CONFIG = dataclasses.replace(settings.CONFIG, wecom=configured)
    control = WeComControl(simulator.url)
    yield simulator, control
    control.close()


@pytest.fixture
def wecom_client(wecom_app: tuple[WeComSimulator, WeComControl]) -> Iterator[WeComClient]:
    """ReleaseGate's client for the simulated demo corp."""
    simulator, _ = wecom_app
    demo = SimSettings.demo()
    client = WeComClient(
        corp_id=demo.corp_id,
        corp_secret=demo.corp_secret,
        agent_id=demo.agent_id,
        api_base=simulator.url,
        timeouts=Timeouts.uniform(5),
    )
    yield client
    client.close()
