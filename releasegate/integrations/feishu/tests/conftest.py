"""Feishu configured for ReleaseGate's own tests of its Feishu endpoints."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from releasegate.cli.demo_feishu import DEMO_FEISHU
from releasegate.config import FeishuSettings, load
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.integrations.feishu.tests.card_world import card_world  # noqa: F401
from releasegate.lib.http import Timeouts
from releasegate.observability.tests.json_logs import json_lines  # noqa: F401
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import SimSettings

FEISHU = FeishuSettings(
    app_id="cli_releasegatetest01",
    app_secret="feishu-test-app-secret",
    approval_code="7C468A54-8745-2245-9675-08B7C63E7A85",
    verification_token="vtoken",
    encrypt_key="releasegate-encrypt-key",
    options_token="options-token",
    options_key="",
    api_base="http://127.0.0.1:9",
    robot_webhook="",
    robot_secret="",
)


@pytest.fixture
def feishu(settings: Settings) -> FeishuSettings:
    """Feishu enabled with `FEISHU` (changes via `configure_feishu`)."""
    settings.CONFIG = dataclasses.replace(settings.CONFIG, feishu=FEISHU)
    return FEISHU


@pytest.fixture
def configure_feishu(settings: Settings, feishu: FeishuSettings) -> Callable[..., FeishuSettings]:
    def configure(**changes: Any) -> FeishuSettings:
        changed = dataclasses.replace(FEISHU, **changes)
        settings.CONFIG = dataclasses.replace(settings.CONFIG, feishu=changed)
        return changed

    return configure


@pytest.fixture
def start_feishu() -> Iterator[Callable[..., FeishuSimulator]]:
    """Start a simulated Feishu for the demo app (keyword overrides of its settings)."""
    started: list[FeishuSimulator] = []

    def start(**overrides: Any) -> FeishuSimulator:
        simulator = FeishuSimulator(SimSettings.demo(**overrides)).start()
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def feishu_app(
    start_feishu: Callable[..., FeishuSimulator], settings: Settings
) -> Iterator[tuple[FeishuSimulator, FeishuControl]]:
    """A simulated Feishu, ReleaseGate configured for its demo app, and its control API."""
    simulator = start_feishu()
    configured = load({**DEMO_FEISHU, "FEISHU_API_BASE": simulator.url}).feishu
    settings.CONFIG = dataclasses.replace(settings.CONFIG, feishu=configured)
    control = FeishuControl(simulator.url)
    yield simulator, control
    control.close()


@pytest.fixture
def feishu_client(feishu_app: tuple[FeishuSimulator, FeishuControl]) -> Iterator[FeishuClient]:
    """ReleaseGate's client for the simulated demo app (sleeps are not waited out)."""
    simulator, _ = feishu_app
    demo = SimSettings.demo()
    client = FeishuClient(
        app_id=demo.app_id,
        app_secret=demo.app_secret,
        api_base=simulator.url,
        timeouts=Timeouts.uniform(5),
        sleep=lambda seconds: None,
    )
    yield client
    client.close()
