from __future__ import annotations

import dataclasses

import pytest
from django.conf import settings

from releasegate.observability.tests.json_logs import json_lines  # noqa: F401
from releasegate.observability.tests.services import use_services  # noqa: F401
from releasegate.releases.tests.engine_harness import engine_options, harness  # noqa: F401


@pytest.fixture
def metrics_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """/metrics open to anyone, as METRICS_OPEN=1 makes it."""
    observability = dataclasses.replace(settings.CONFIG.observability, metrics_open=True)
    config = dataclasses.replace(settings.CONFIG, observability=observability)
    monkeypatch.setattr(settings, "CONFIG", config)
