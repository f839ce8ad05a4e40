"""The admin: every page needs a staff login, its forms need the CSRF token, and the
pages a logged-in operator sees carry none of the configured secrets."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def admin_pages() -> list[str]:
    """The admin index and the list and add pages of every registered model."""
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    return pages


def configured_secrets() -> list[str]:
    dingtalk, jenkins = settings.CONFIG.dingtalk, settings.CONFIG.jenkins
    assert dingtalk is not None and jenkins is not None and jenkins.token
    return [
        dingtalk.app_secret,
        dingtalk.event_aes_key,
        dingtalk.event_token,
        dingtalk.connector_secret,
        jenkins.token,
        settings.SECRET_KEY,
    ]


@pytest.mark.parametrize("page", admin_pages())
def test_every_admin_page_sends_a_visitor_to_the_login(client: Client, page: str) -> None:
    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_user_who_is_not_staff_is_not_let_in(client: Client) -> None:
    client.force_login(User.objects.create_user("tester", password="pw"))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_login_form_refuses_a_post_without_the_csrf_token() -> None:
    User.objects.create_superuser("admin", "admin@example.com", "right-password")
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("admin:login"), {"username": "admin", "password": "right-password"}
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session


def test_no_admin_page_shows_a_configured_secret(client: Client) -> None:
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    secrets = [
        re.compile(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])")
        for secret in configured_secrets()
    ]

    for page in admin_pages():
        response = client.get(page)
        # 403: the add page of a read-only audit model.
        assert response.status_code in (200, 403), page
        text = response.content.decode()
        assert [s.pattern for s in secrets if s.search(text)] == [], page
