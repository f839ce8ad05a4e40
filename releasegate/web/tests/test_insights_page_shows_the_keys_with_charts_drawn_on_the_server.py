"""The insights page shows the four DORA keys and the approval lead time of the chosen
project and range, with weekly charts drawn as SVG on the server (nothing fetched from
elsewhere), in Chinese and in English; a bad value is named and left out."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from releasegate.releases.tests.history import march_history

pytestmark = pytest.mark.django_db
MALL_IN_MARCH = "/insights/?project=mall&since=2026-03-02&until=2026-03-15"


@pytest.fixture
def english(signed_in: Client) -> Client:
    signed_in.post("/i18n/setlang/", {"language": "en", "next": "/insights/"})
    return signed_in


def key(page: str, name: str) -> str:
    found = re.search(rf'data-testid="key-{name}">(.*?)</div>', page, re.S)
    assert found, name
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_it_shows_each_key_of_the_chosen_project_and_range(english: Client) -> None:
    march_history()

    page = english.get(MALL_IN_MARCH).content.decode()

    assert '<option value="mall" selected>mall</option>' in page
    assert "2.0 per week" in key(page, "deployments")
    assert "50%" in key(page, "failure-rate") and "3 of 6" in key(page, "failure-rate")
    assert "2.5 h" in key(page, "restore") and "not followed by a success yet: 1" in key(
        page, "restore"
    )
    assert "18 h" in key(page, "lead-time")
    assert "2 h + 40 min" in key(page, "approval")


def test_it_draws_accessible_charts_without_anything_from_elsewhere(english: Client) -> None:
    march_history()

    page = english.get(MALL_IN_MARCH).content.decode()

    charts = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(charts) == 5
    for chart in charts:
        assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
        assert not re.search(r"(?:href|src)=|url\(|@import", chart)
    assert "Deployments, 2026-03-02: 2" in page
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)


def test_it_says_so_when_no_commit_time_is_known(english: Client) -> None:
    march_history()

    page = english.get("/insights/?application=mall/cart&since=2026-03-02&until=2026-03-15")
    text = page.content.decode()

    assert key(text, "lead-time").startswith("Lead time for changes —")
    assert 'data-testid="no-commit-times"' in text
    assert 'data-testid="chart-lead-time"' not in text


def test_it_speaks_chinese_by_default(signed_in: Client) -> None:
    march_history()

    page = signed_in.get(MALL_IN_MARCH).content.decode()

    assert "部署频率" in key(page, "deployments")
    assert "2.5 小时" in key(page, "restore")
    assert "每周部署与变更失败" in page


def test_a_bad_value_is_named_and_the_page_still_answers(english: Client) -> None:
    response = english.get("/insights/?since=someday&until=2026-03-15")

    assert response.status_code == 200
    assert "From: Enter a valid date." in response.content.decode()


def test_a_range_the_wrong_way_round_is_named(english: Client) -> None:
    page = english.get("/insights/?since=2026-03-15&until=2026-03-02").content.decode()

    assert "From: is later than the end date." in page
