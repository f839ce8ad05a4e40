from __future__ import annotations

import json

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import (
    ACTIONS,
    signed,
    url,
)

pytestmark = pytest.mark.django_db

BODIES = {
    "projects": {},
    "applications": {"project": ""},
    "parameters": {"application": ""},
    "validate": {"project": "", "application": ""},
    "approved": {"instance_id": "inst-csrf"},
}


@pytest.mark.parametrize("action", ACTIONS)
def test_a_machine_call_without_csrf_cookie_is_served(action: str) -> None:
    """DingTalk has no CSRF cookie; the connector auth is what authenticates it."""
    browserless = Client(enforce_csrf_checks=True)

    response = browserless.post(
        url(action), json.dumps(BODIES[action]), content_type="application/json", headers=signed()
    )

    assert response.status_code == 200
