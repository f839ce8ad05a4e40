"""Every API endpoint, the schema and its docs need a token or a logged-in session."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "/api/releases"),
    ("get", "/api/releases/1"),
    ("post", "/api/releases/1/cancel"),
    ("post", "/api/releases/1/retry"),
    ("post", "/api/requests"),
    ("get", "/api/catalog"),
    ("get", "/api/calendar"),
    ("get", "/api/schema"),
    ("get", "/api/docs"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_refuses_a_caller_without_credentials(method: str, path: str) -> None:
    response = getattr(APIClient(), method)(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_it_refuses_an_unknown_token() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    assert client.get("/api/releases").status_code == 401


def test_it_accepts_a_token(api: APIClient) -> None:
    assert api.get("/api/releases").status_code == 200


def test_it_accepts_a_dashboard_session_for_reading(tester: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(tester)

    assert client.get("/api/releases").status_code == 200


def test_a_session_must_carry_the_csrf_token_to_change_anything(tester: User) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(tester)

    response = client.post("/api/requests", {"project": "mall"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
