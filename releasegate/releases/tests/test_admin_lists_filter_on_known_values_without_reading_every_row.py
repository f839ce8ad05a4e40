"""The admin's lists of releases, approvals, deliveries and messages filter on the values
ReleaseGate writes, offered without asking the table for them, with the same links as
Django's own filters."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from releasegate.releases.models import Release
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


@pytest.mark.parametrize(
    "listing",
    [
        "/admin/releases/release/",
        "/admin/releases/approval/",
        "/admin/releases/inboundevent/",
        "/admin/releases/notification/",
    ],
)
def test_no_list_reads_the_distinct_values_of_a_column(
    admin_browser: Client, harness: Harness, listing: str
) -> None:
    harness.approve()

    with CaptureQueriesContext(connection) as queries:
        page = admin_browser.get(listing)

    assert page.status_code == 200
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"]]


def test_a_release_is_found_by_how_it_came_in(admin_browser: Client, harness: Harness) -> None:
    release = harness.approve()
    assert Release.objects.get(pk=release.pk).received_via == "event"
    link = f"/admin/releases/release/{release.pk}/change/"

    pushed = admin_browser.get("/admin/releases/release/?received_via__exact=event")
    streamed = admin_browser.get("/admin/releases/release/?received_via__exact=stream")

    assert link in pushed.content.decode()
    assert link not in streamed.content.decode()
