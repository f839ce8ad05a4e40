"""schemathesis generates requests from our own OpenAPI schema, valid and not, for every
operation: none may be answered with a server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from releasegate.api.tokens import issue
from releasegate.wsgi import application

generated = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
schema = schemathesis.openapi.from_dict(generated)
schema.app = application


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request; the test's
    transaction lives on it, so keep it open as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept_open")
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_is_a_server_error(case: Any) -> None:
    # The catalog is empty, so no generated request can reach DingTalk.
    user, _ = User.objects.get_or_create(username="zhangsan")
    key = issue(user)

    case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=[not_a_server_error])
