from __future__ import annotations

import dataclasses

import pytest
from django.conf import settings
from django.test import Client

from releasegate.config import ObservabilitySettings

pytestmark = pytest.mark.django_db

TOKEN = "metrics-bearer-token-0123456789"


@pytest.fixture
def token_set(monkeypatch: pytest.MonkeyPatch) -> None:
    observability = ObservabilitySettings(metrics_token=TOKEN)
    config = dataclasses.replace(settings.CONFIG, observability=observability)
    monkeypatch.setattr(settings, "CONFIG", config)


@pytest.mark.usefixtures("token_set")
def test_a_scrape_without_the_token_is_refused(client: Client) -> None:
    response = client.get("/metrics")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"releasegate_" not in response.content


@pytest.mark.usefixtures("token_set")
def test_a_wrong_token_or_scheme_is_refused(client: Client) -> None:
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401


@pytest.mark.usefixtures("token_set")
def test_the_token_opens_the_metrics(client: Client) -> None:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert b"releasegate_releases" in response.content


@pytest.mark.usefixtures("token_set")
def test_health_endpoints_need_no_token(client: Client) -> None:
    assert client.get("/healthz").status_code == 200
