"""The releases page re-fetches its table body every few seconds: the fragment URL
answers the rows alone, with the page's filters, and shows releases added meanwhile."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from releasegate.releases.models import ReleaseState
from releasegate.web.tests.records import stored_release

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def test_the_page_points_its_table_body_at_the_fragment_with_its_filters(
    signed_in: Client,
) -> None:
    page = signed_in.get("/releases/?state=FAILED&person=lisi").content.decode()

    source = re.search(r'id="release-rows"[^>]*data-source="([^"]+)"', page)
    assert source is not None
    assert source.group(1) == "/releases/rows/?state=FAILED&amp;person=lisi"
    assert "web/live.js" in page


def test_the_fragment_is_the_rows_alone_and_follows_new_releases(signed_in: Client) -> None:
    first = stored_release("inst-1", received_at=MORNING)
    before = signed_in.get("/releases/rows/").content.decode()
    second = stored_release("inst-2", received_at=MORNING + timedelta(minutes=1))

    after = signed_in.get("/releases/rows/").content.decode()

    assert "<html" not in after and "<thead" not in after
    assert re.findall(r'data-release-id="(\d+)"', before) == [str(first.pk)]
    assert re.findall(r'data-release-id="(\d+)"', after) == [str(second.pk), str(first.pk)]


def test_the_fragment_applies_the_filters_and_shows_state_changes(signed_in: Client) -> None:
    running = stored_release("inst-1", received_at=MORNING, state=ReleaseState.RUNNING)
    stored_release("inst-2", received_at=MORNING - timedelta(hours=1), state=ReleaseState.FAILED)

    rows = signed_in.get("/releases/rows/?state=RUNNING").content.decode()
    assert re.findall(r'data-release-id="(\d+)"', rows) == [str(running.pk)]

    running.state = ReleaseState.SUCCEEDED
    running.save()
    rows = signed_in.get(f"/releases/rows/?person={running.originator_user_id}").content.decode()
    assert re.findall(r'data-state="(\w+)"', rows) == ["SUCCEEDED", "FAILED"]


def test_an_empty_fragment_says_so(signed_in: Client) -> None:
    rows = signed_in.get("/releases/rows/?state=ERROR").content.decode()

    assert 'data-testid="no-releases"' in rows
