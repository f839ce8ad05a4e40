"""/metrics says what is deployed and when (release counts by state, calls to Jenkins):
outside the demo nobody reads it until METRICS_TOKEN gives scrapers a bearer token or
METRICS_OPEN=1 opens it on purpose (a private network). A worker's metrics port alike."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from django.conf import settings
from django.test import Client

from releasegate.config import ObservabilitySettings, load
from releasegate.observability.worker_metrics import MetricsServer

pytestmark = pytest.mark.django_db

VALID = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "http://127.0.0.1:9/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "metrics-test-token",
}


def test_without_a_token_the_metrics_are_closed(client: Client) -> None:
    assert settings.CONFIG.observability.metrics_token == ""

    response = client.get("/metrics")

    assert response.status_code == 403
    assert b"METRICS_TOKEN" in response.content
    assert b"releasegate_" not in response.content


def test_a_workers_metrics_port_is_closed_alike() -> None:
    server = MetricsServer("127.0.0.1", 0, ObservabilitySettings()).start()
    try:
        response = httpx.get(f"http://127.0.0.1:{server.port}/metrics")
    finally:
        server.stop()

    assert response.status_code == 403
    assert "releasegate_" not in response.text


def test_metrics_open_opens_them(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    config = dataclasses.replace(
        settings.CONFIG, observability=load({**VALID, "METRICS_OPEN": "1"}).observability
    )
    monkeypatch.setattr(settings, "CONFIG", config)

    assert client.get("/metrics").status_code == 200


def test_the_demo_opens_them_by_itself_and_production_does_not() -> None:
    assert load({**VALID, "RELEASEGATE_DEMO": "1"}).observability.metrics_open
    assert not load(VALID).observability.metrics_open
