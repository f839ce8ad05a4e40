"""Pointing the process's configuration at the Jenkins and DingTalk simulators, as the
readiness checks and the metrics read it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings

from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.config import Config, JenkinsSettings
from releasegate.integrations.dingtalk import provider
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.jenkins.server import JenkinsSimulator

Configure = Callable[..., Config]


@pytest.fixture
def use_services(monkeypatch: pytest.MonkeyPatch) -> Iterator[Configure]:
    """`use_services(jenkins, dingtalk, token=..., app_secret=...)`: settings.CONFIG
    names these simulators (with these credentials), and the process's shared DingTalk
    client starts afresh (and is closed afterwards)."""
    monkeypatch.setattr(provider._Shared, "client", None)

    def configure(
        jenkins: JenkinsSimulator,
        dingtalk: DingTalkSimulator,
        *,
        token: str = DEMO_TOKEN,
        app_secret: str | None = None,
    ) -> Config:
        assert settings.CONFIG.dingtalk is not None
        sim = dingtalk.settings
        config = dataclasses.replace(
            settings.CONFIG,
            jenkins=JenkinsSettings(url=jenkins.url, user=DEMO_USER, token=token, password=None),
            dingtalk=dataclasses.replace(
                settings.CONFIG.dingtalk,
                app_key=sim.app_key,
                app_secret=app_secret or sim.app_secret,
                api_base=dingtalk.url,
                oapi_base=dingtalk.url,
            ),
        )
        monkeypatch.setattr(settings, "CONFIG", config)
        return config

    yield configure
    if provider._Shared.client is not None:
        provider._Shared.client.close()
