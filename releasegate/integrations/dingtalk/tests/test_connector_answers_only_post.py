from __future__ import annotations

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import (
    ACTIONS,
    signed,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_another_method_is_405_in_json(client: Client, action: str, method: str) -> None:
    response = getattr(client, method)(url(action), headers=signed())

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"error": "use POST"}


def test_a_trailing_slash_is_not_another_address(client: Client) -> None:
    response = client.post(url("projects") + "/", "{}", content_type="application/json")

    assert response.status_code == 404
