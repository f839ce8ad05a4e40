"""Feishu configured for ReleaseGate's own tests of its Feishu endpoints."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings

from releasegate.config import FeishuSettings

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
    def configure(**changes: str) -> FeishuSettings:
        changed = dataclasses.replace(FEISHU, **changes)
        settings.CONFIG = dataclasses.replace(settings.CONFIG, feishu=changed)
        return changed

    return configure
