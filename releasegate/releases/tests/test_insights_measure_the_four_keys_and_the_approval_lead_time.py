"""The insights' figures on a small history worked out by hand (`history.march_history`):
each of the four DORA keys and the approval lead time, in total and week by week."""

from __future__ import annotations

from datetime import date

import pytest

from releasegate.releases.insights import dora
from releasegate.releases.insights.dora import Scope, insights
from releasegate.releases.tests.history import UNTIL, WEEK_1, march_history

pytestmark = pytest.mark.django_db
HOUR = 3600.0


@pytest.fixture
def mall() -> Scope:
    march_history()
    return Scope(since=WEEK_1, until=UNTIL, project="mall")


def test_it_counts_deployments_and_change_failures_including_a_rollback(mall: Scope) -> None:
    total = insights(mall).total

    assert (total.ended, total.deployments, total.failures) == (6, 4, 3)
    assert total.change_failure_rate == 0.5
    assert insights(mall).deployments_per_week == 2.0


def test_it_measures_time_to_restore_to_the_next_success(mall: Scope) -> None:
    total = insights(mall).total

    assert total.time_to_restore == 2.5 * HOUR
    assert total.not_restored == 1


def test_it_measures_lead_time_for_changes_only_where_commit_times_are_known(
    mall: Scope,
) -> None:
    total = insights(mall).total

    assert total.lead_time_for_changes == 18 * HOUR
    assert total.commit_times_known == 2


def test_it_has_no_lead_time_for_changes_when_no_commit_time_is_known(mall: Scope) -> None:
    cart = insights(Scope(since=WEEK_1, until=UNTIL, application="mall/cart")).total

    assert cart.lead_time_for_changes is None
    assert cart.commit_times_known == 0


def test_it_measures_the_approval_lead_time(mall: Scope) -> None:
    total = insights(mall).total

    assert total.asked_to_approved == 2 * HOUR
    assert total.approved_to_triggered == 40 * 60


def test_it_gives_each_week_its_own_figures(mall: Scope) -> None:
    weeks = insights(mall).weeks

    assert [week.start for week in weeks] == [date(2026, 3, 2), date(2026, 3, 9)]
    first, second = (week.figures for week in weeks)
    assert (first.ended, first.deployments, first.failures) == (3, 2, 1)
    assert (second.ended, second.deployments, second.failures) == (3, 2, 2)
    assert (first.time_to_restore, second.time_to_restore) == (3 * HOUR, 2 * HOUR)
    assert (first.lead_time_for_changes, second.lead_time_for_changes) == (24 * HOUR, 12 * HOUR)
    assert second.asked_to_approved is None


def test_a_range_without_releases_has_empty_weeks() -> None:
    empty = insights(Scope(since=WEEK_1, until=UNTIL))

    assert [week.figures.ended for week in empty.weeks] == [0, 0]
    assert empty.total.change_failure_rate is None
    assert empty.total.time_to_restore is None


def test_past_the_sample_limit_counts_stay_exact_and_the_sampling_is_said(
    mall: Scope, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dora, "SAMPLE_LIMIT", 2)

    sampled = insights(mall)

    assert sampled.sampled_one_in == 3
    assert (sampled.total.ended, sampled.total.deployments, sampled.total.failures) == (6, 4, 3)
    assert sampled.total.not_restored == 1


def test_many_rollbacks_are_counted_the_same_way(
    mall: Scope, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dora, "LISTED_ROLLBACKS", 0)

    total = insights(mall).total

    assert (total.failures, total.not_restored, total.time_to_restore) == (3, 1, 2.5 * HOUR)
