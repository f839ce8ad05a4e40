from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

POD = "10.244.1.17:8000"


@pytest.mark.usefixtures("metrics_open")
def test_health_and_metrics_answer_a_host_not_in_allowed_hosts(client: Client) -> None:
    assert client.get("/healthz", HTTP_HOST=POD).status_code == 200
    assert client.get("/metrics", HTTP_HOST=POD).status_code == 200
    # Not ready (the test settings name no reachable Jenkins), but answered, not refused.
    assert client.get("/readyz", HTTP_HOST=POD).status_code == 503


def test_every_other_page_still_refuses_that_host(client: Client) -> None:
    assert client.get("/admin/login/", HTTP_HOST=POD).status_code == 400


def test_the_endpoints_answer_only_at_their_exact_paths(client: Client) -> None:
    assert client.get("/healthz/extra", HTTP_HOST=POD).status_code == 400
