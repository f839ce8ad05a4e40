"""The admin's large lists count their rows once, read only the columns they show, and
draw each row's selection box as Django's own widget draws it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from releasegate.releases.models import Notification, Release
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def _release_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "releases_release"' in q["sql"]]


def test_the_releases_list_counts_once_and_reads_no_console(
    admin_browser: Client, harness: Harness
) -> None:
    release = harness.approve()
    Release.objects.filter(pk=release.pk).update(console_tail="the build's log")

    with CaptureQueriesContext(connection) as queries:
        page = admin_browser.get("/admin/releases/release/")

    assert page.status_code == 200
    assert f"/admin/releases/release/{release.pk}/change/" in page.content.decode()
    read = _release_queries(queries)
    assert len([sql for sql in read if "COUNT(" in sql]) == 1
    assert not [sql for sql in read if "console_tail" in sql]


def test_each_message_names_its_release_in_the_same_query(
    admin_browser: Client, harness: Harness
) -> None:
    release = harness.approve()
    harness.run()
    release.refresh_from_db()
    assert Notification.objects.filter(release=release).exists()

    with CaptureQueriesContext(connection) as queries:
        page = admin_browser.get("/admin/releases/notification/")

    assert page.status_code == 200
    assert str(release) in page.content.decode()
    assert not _release_queries(queries)


def test_a_rows_selection_box_is_the_one_django_draws(harness: Harness) -> None:
    release = harness.approve()
    releases_admin = admin.site._registry[Release]

    drawn = releases_admin.action_checkbox(release)

    assert drawn == ModelAdmin.action_checkbox(releases_admin, release)
    assert f'value="{release.pk}"' in drawn
