"""The OpenAPI schema validates and lists every endpoint; the docs page loads Swagger UI
from our own static files (no CDN: many production networks cannot reach one)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_schema_validates_and_lists_every_endpoint(api: APIClient) -> None:
    response = api.get("/api/schema?format=json")
    assert response.status_code == 200
    schema = response.json()

    validate_schema(schema)  # type: ignore[no-untyped-call]
    assert set(schema["paths"]) == {
        "/api/releases",
        "/api/releases/{id}",
        "/api/releases/{id}/cancel",
        "/api/releases/{id}/retry",
        "/api/requests",
        "/api/rollbacks",
        "/api/catalog",
        "/api/calendar",
        "/api/approvals",
        "/api/approvals/{id}",
        "/api/approvals/{id}/approve",
        "/api/approvals/{id}/refuse",
        "/api/insights",
        "/api/token",
    }
    for action in ("cancel", "retry"):
        answers = schema["paths"][f"/api/releases/{{id}}/{action}"]["post"]["responses"]
        assert set(answers) >= {"200", "403", "404", "409"}
    for decision in ("approve", "refuse"):
        answers = schema["paths"][f"/api/approvals/{{id}}/{decision}"]["post"]["responses"]
        assert set(answers) >= {"200", "400", "403", "404", "409"}
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_docs_page_loads_swagger_ui_from_our_static_files(api: APIClient) -> None:
    page = api.get("/api/docs").content.decode()

    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-dist" in source for source in sources), sources
    assert all(source.startswith("/") for source in sources), sources
    assert "cdn" not in page.lower()
    bundle = next(s for s in sources if s.endswith("swagger-ui-bundle.js"))
    assert Client().get(bundle).status_code == 200
