from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_answers_ok_without_a_query_or_a_login(
    client: Client, django_assert_num_queries: Callable[..., Any]
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_ok_while_jenkins_and_dingtalk_are_unreachable(client: Client) -> None:
    # The test settings point both at a closed port; alive is not ready.
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503


def test_it_refuses_other_methods(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
