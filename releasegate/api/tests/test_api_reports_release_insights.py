"""`GET /api/insights`: the insights page's figures as data, in total and week by week;
a bad query is a 400 naming the field."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from releasegate.releases.tests.history import march_history

pytestmark = pytest.mark.django_db


def test_it_reports_the_keys_in_total_and_week_by_week(api: APIClient) -> None:
    march_history()

    answer = api.get("/api/insights?project=mall&since=2026-03-02&until=2026-03-15").json()

    assert (answer["since"], answer["until"], answer["deployments_per_week"]) == (
        "2026-03-02",
        "2026-03-15",
        2.0,
    )
    total = answer["total"]
    assert (total["deployments"], total["change_failures"], total["releases_ended"]) == (4, 3, 6)
    assert total["change_failure_rate"] == 0.5
    assert total["time_to_restore_s"] == 9000.0 and total["failures_not_restored"] == 1
    assert total["lead_time_for_changes_s"] == 64800.0 and total["commit_times_known"] == 2
    assert total["asked_to_approved_s"] == 7200.0
    assert [week["week_start"] for week in answer["weeks"]] == ["2026-03-02", "2026-03-09"]
    assert answer["weeks"][1]["approved_to_triggered_s"] is None


def test_lead_time_for_changes_is_null_when_no_commit_time_is_known(api: APIClient) -> None:
    march_history()

    total = api.get("/api/insights?application=mall/cart&since=2026-03-02&until=2026-03-15")

    assert total.json()["total"]["lead_time_for_changes_s"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=2026-13-01", "since"),
        ("until=tomorrow", "until"),
        ("since=2026-03-15&until=2026-03-01", "since"),
        ("since=2020-01-01&until=2026-03-01", "since"),
        ("projet=mall", "projet"),
        ("application=" + "x" * 1001, "application"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_field(api: APIClient, query: str, field: str) -> None:
    response = api.get(f"/api/insights?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_it_needs_authentication() -> None:
    assert APIClient().get("/api/insights").status_code in (401, 403)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.dictionaries(
        st.sampled_from(["project", "application", "since", "until"]) | st.text(max_size=8),
        st.text(max_size=30),
    )
)
def test_any_query_is_answered_or_refused_clearly(api: APIClient, query: dict[str, str]) -> None:
    encoded = urlencode(query, encoding="utf-8", errors="surrogatepass")

    response = api.get(f"/api/insights?{encoded}")

    assert response.status_code == 200 or (400 <= response.status_code < 500), response.content
