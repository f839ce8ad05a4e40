"""WeCom configured for ReleaseGate's own tests of its WeCom endpoints."""

from __future__ import annotations

import dataclasses

import pytest
from pytest_django.fixtures import Settings

from releasegate.config import WeComSettings

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
