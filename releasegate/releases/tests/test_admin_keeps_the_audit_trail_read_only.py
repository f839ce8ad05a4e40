"""In the admin, releases, their events and their notifications can be read, never
added, edited or deleted: they are the audit trail."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.releases.models import Notification, Release, ReleaseEvent, RollbackRequest
from releasegate.releases.operators import cancel_release
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


@pytest.fixture
def cancelled(harness: Harness) -> Release:
    release = harness.approve()
    cancel_release(release.pk, actor="operator:ops", reason="窗口调整")
    return release


def test_the_audit_trail_is_listed_and_shown(admin_browser: Client, cancelled: Release) -> None:
    event = ReleaseEvent.objects.filter(release=cancelled).last()
    assert event is not None

    listing = admin_browser.get("/admin/releases/releaseevent/").content.decode()
    shown = admin_browser.get(f"/admin/releases/releaseevent/{event.pk}/change/")

    assert "operator:ops" in listing
    assert shown.status_code == 200
    assert "窗口调整" in shown.content.decode()


def test_no_event_can_be_added_changed_or_deleted(
    admin_browser: Client, cancelled: Release
) -> None:
    event = ReleaseEvent.objects.filter(release=cancelled).last()
    assert event is not None
    base = "/admin/releases/releaseevent/"

    assert admin_browser.get(f"{base}add/").status_code == 403
    assert admin_browser.post(f"{base}{event.pk}/change/", {"reason": "x"}).status_code == 403
    assert admin_browser.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.reason.endswith("窗口调整")


def test_a_release_and_its_notifications_cannot_be_edited_or_deleted(
    admin_browser: Client, cancelled: Release
) -> None:
    notification = Notification.objects.get(release=cancelled)
    release_page = f"/admin/releases/release/{cancelled.pk}/"
    notification_page = f"/admin/releases/notification/{notification.pk}/"

    assert admin_browser.post(f"{release_page}change/", {"state": "SCHEDULED"}).status_code == 403
    assert admin_browser.post(f"{release_page}delete/", {"post": "yes"}).status_code == 403
    assert admin_browser.post(f"{notification_page}delete/", {"post": "yes"}).status_code == 403
    assert admin_browser.get("/admin/releases/release/add/").status_code == 403
    cancelled.refresh_from_db()
    assert cancelled.state == "CANCELLED"
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_the_release_page_shows_its_events_without_a_form_to_change_them(
    admin_browser: Client, cancelled: Release
) -> None:
    page = admin_browser.get(f"/admin/releases/release/{cancelled.pk}/change/").content.decode()

    assert "operator:ops" in page
    assert 'name="_save"' not in page
    assert 'name="events-0-reason"' not in page


def test_rollbacks_asked_for_are_listed_and_cannot_be_added(
    admin_browser: Client, cancelled: Release
) -> None:
    RollbackRequest.objects.create(
        provider="local",
        instance_id="7",
        rollback_of=cancelled,
        rollback_to=cancelled,
        requested_by="zhangsan",
        requested_at=cancelled.received_at,
    )
    base = "/admin/releases/rollbackrequest/"

    assert "zhangsan" in admin_browser.get(base).content.decode()
    assert admin_browser.get(f"{base}add/").status_code == 403
    assert admin_browser.get("/admin/releases/release/?is_rollback__exact=1").status_code == 200
