"""The insights' weeks download as CSV: one row per week, durations in seconds, the
range in the file's name."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from releasegate.releases.tests.history import march_history

pytestmark = pytest.mark.django_db


def test_it_exports_one_row_per_week_with_the_range_in_the_name(signed_in: Client) -> None:
    march_history()

    response = signed_in.get("/insights/weeks.csv?project=mall&since=2026-03-02&until=2026-03-15")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="releasegate-insights-2026-03-02-2026-03-15.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["week_start"] for row in rows] == ["2026-03-02", "2026-03-09"]
    first, second = rows
    assert (first["deployments"], first["change_failures"], first["releases_ended"]) == (
        "2",
        "1",
        "3",
    )
    assert first["change_failure_rate"] == "0.3333"
    assert first["time_to_restore_median_s"] == "10800"
    assert first["lead_time_for_changes_median_s"] == "86400"
    assert first["asked_to_approved_median_s"] == "7200"
    assert second["approved_to_triggered_median_s"] == ""
