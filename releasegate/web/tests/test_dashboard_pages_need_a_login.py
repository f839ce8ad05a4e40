"""Every dashboard page needs a login; the login page logs people in and out, and the
forms that change something carry Django's CSRF protection."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.web.tests.records import stored_release

pytestmark = pytest.mark.django_db

PAGES = (
    "/",
    "/insights/",
    "/insights/weeks.csv",
    "/releases/",
    "/releases/rows/",
    "/releases/1/",
    "/catalog/",
    "/requests/new",
    "/requests/new/applications?project=mall",
    "/requests/new/parameters?project=mall&application=mall/order-service",
    "/requests/inst-1/",
)


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_is_sent_to_the_login_page(client: Client, page: str) -> None:
    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_cancelling_needs_a_login_too(client: Client) -> None:
    response = client.post("/releases/1/cancel/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_person_logs_in_with_their_password_and_out_again(
    client: Client, person: Callable[..., User]
) -> None:
    person("zhangsan", "zhangsan")
    page = client.get("/accounts/login/").content.decode()
    assert 'data-testid="login-form"' in page
    assert "csrfmiddlewaretoken" in page

    response = client.post(
        "/accounts/login/", {"username": "zhangsan", "password": "pw-zhangsan", "next": ""}
    )
    assert response["Location"] == "/releases/"
    assert client.get("/releases/").status_code == 200

    client.post("/accounts/logout/")
    assert client.get("/releases/").status_code == 302


def test_a_wrong_password_is_refused_with_a_message(
    client: Client, person: Callable[..., User]
) -> None:
    person("zhangsan", "zhangsan")

    response = client.post("/accounts/login/", {"username": "zhangsan", "password": "nope"})

    assert response.status_code == 200
    assert 'data-testid="login-error"' in response.content.decode()
    assert client.get("/releases/").status_code == 302


def test_a_form_posted_without_its_csrf_token_is_refused(person: Callable[..., User]) -> None:
    release = stored_release("inst-1", received_at=datetime(2026, 11, 26, 2, tzinfo=UTC))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person("ops", "ops", is_staff=True))

    response = browser.post(f"/releases/{release.pk}/cancel/")

    assert response.status_code == 403
    release.refresh_from_db()
    assert release.state == "SUCCEEDED"


def test_the_new_release_page_is_found_with_a_trailing_slash_too(
    client: Client, person: Callable[..., User]
) -> None:
    client.force_login(person("zhangsan", "zhangsan"))

    assert client.get("/requests/new/")["Location"] == "/requests/new"
