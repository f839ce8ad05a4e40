"""Whatever a client sends (any JSON, any bytes, any query), the API answers with a
clear 4xx and stores nothing: never a 500. Property-based, with hypothesis."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from releasegate.releases.models import InboundEvent, ReleaseEvent

pytestmark = pytest.mark.django_db

FIELDS = [
    "project",
    "application",
    "parameters",
    "release_type",
    "release_time",
    "db_change",
    "db_change_done",
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
request_bodies = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_values)
examples = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def is_a_clear_4xx(response: Any) -> bool:
    return 400 <= response.status_code < 500 and bool(response.json())


@examples
@given(body=request_bodies | json_values)
def test_any_json_request_is_refused_clearly(api: APIClient, body: Any) -> None:
    # The catalog is empty: nothing can be valid, so nothing may reach DingTalk either.
    response = api.post("/api/requests", body, format="json")

    assert is_a_clear_4xx(response), (response.status_code, response.content)
    assert not InboundEvent.objects.exists()


@examples
@given(raw=st.binary(max_size=200))
def test_any_bytes_are_refused_clearly(api: APIClient, raw: bytes) -> None:
    response = api.post("/api/requests", raw, content_type="application/json")

    assert is_a_clear_4xx(response), (response.status_code, response.content)


@examples
@given(
    query=st.dictionaries(
        st.sampled_from(
            ["state", "since", "page", "page_size", "application", "project", "originator"]
        )
        | st.text(max_size=8),
        st.text(),
    )
)
def test_any_release_filter_is_answered_without_an_error(
    api: APIClient, query: dict[str, str]
) -> None:
    response = api.get(
        "/api/releases?" + urlencode(query, encoding="utf-8", errors="surrogatepass")
    )

    assert response.status_code in (200, 400, 404), (response.status_code, response.content)


@examples
@given(body=json_values)
def test_any_cancel_or_retry_body_is_answered_without_an_error(api: APIClient, body: Any) -> None:
    for action in ("cancel", "retry"):
        response = api.post(f"/api/releases/1/{action}", body, format="json")

        assert response.status_code in (400, 403, 404), (response.status_code, response.content)
    assert not ReleaseEvent.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [b'{"\\ud800": "x"}', b'{"project": "m", "application": "a", "parameters": {"\\udfff": 1}}'],
    ids=["a field", "a parameter"],
)
def test_a_name_that_is_not_valid_unicode_is_still_named(api: APIClient, raw: bytes) -> None:
    response = api.post("/api/requests", raw, content_type="application/json")

    assert response.status_code == 400
    assert b"\\ud800" in response.content or b"\\udfff" in response.content
