"""NUL in a path, a query, a cookie or a dashboard form of any page or API endpoint: a 404
(path) or a 400 naming it, before anything asks the database; never a 500. PostgreSQL
refuses NUL in text with a DataError where SQLite stores it, so CI runs these on both
(`DATABASE_URL=postgres://…`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from releasegate.api.tokens import issue

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
DASHBOARD_PAGES = [
    "/",
    "/releases/",
    "/releases/rows/",
    "/releases/1/",
    "/catalog/",
    "/requests/new",
    "/requests/new/applications",
    "/requests/new/parameters",
    "/requests/inst-1/",
    "/approvals/",
    "/accounts/login/",
]
API_ENDPOINTS = ["/api/releases", "/api/releases/1", "/api/catalog", "/api/approvals"]
# Every query parameter a page or endpoint reads, and one none reads.
QUERY_NAMES = [
    "state",
    "project",
    "application",
    "person",
    "since",
    "until",
    "page",
    "next",
    "status",
    "unknown",
]
HOSTILE_PATHS = [
    "/requests/a%00b/",
    "/requests/%00/decide",
    "/releases/%00/",
    "/catalog/%00",
    "/api/releases/%00",
    "/api/approvals/1%00",
    "/%00",
]


@pytest.fixture
def signed_in(client: Client, django_user_model: type[User]) -> Client:
    client.force_login(django_user_model.objects.create_user("zhangsan", password="pw"))
    return client


@pytest.fixture
def api(client: Client, django_user_model: type[User]) -> Client:
    user = django_user_model.objects.create_user("lisi", password="pw")
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {issue(user)}"
    return client


@pytest.mark.parametrize("path", HOSTILE_PATHS)
@pytest.mark.parametrize("who", ["signed_in", "api", "client"])
def test_nul_in_a_path_is_a_404(request: pytest.FixtureRequest, who: str, path: str) -> None:
    caller: Client = request.getfixturevalue(who)

    assert caller.get(path).status_code == 404
    assert caller.post(path, {"decision": "approve"}).status_code == 404


@pytest.mark.parametrize("page", DASHBOARD_PAGES)
def test_nul_in_a_query_of_a_page_is_a_400(signed_in: Client, page: str) -> None:
    for name in QUERY_NAMES:
        response = signed_in.get(page, {name: NUL})

        assert response.status_code == 400, name
        assert f"query parameter '{name}'".encode() in response.content


@pytest.mark.parametrize("endpoint", API_ENDPOINTS)
def test_nul_in_a_query_of_the_api_is_a_400_in_json(api: Client, endpoint: str) -> None:
    for name in QUERY_NAMES:
        response = api.get(endpoint, {name: NUL})

        assert response.status_code == 400, name
        assert list(response.json()) == [name]


def test_nul_in_a_query_parameters_name_is_a_400(signed_in: Client) -> None:
    assert signed_in.get("/releases/?st%00ate=x").status_code == 400


@pytest.mark.parametrize(
    ("page", "form"),
    [
        ("/accounts/login/", {"username": NUL, "password": "pw"}),
        ("/requests/inst-1/decide", {"decision": "refuse", "reason": NUL}),
        ("/releases/1/cancel/", {"reason": NUL}),
    ],
)
def test_nul_in_a_dashboard_form_is_a_400(
    signed_in: Client, page: str, form: dict[str, str]
) -> None:
    response = signed_in.post(page, form)

    assert response.status_code == 400
    assert b"form field" in response.content


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "django_language"])
def test_nul_in_a_cookie_is_a_400(
    signed_in: Client, caller_cookie: Callable[[str], str], cookie: str
) -> None:
    response = signed_in.get("/releases/", HTTP_COOKIE=caller_cookie(cookie))

    assert response.status_code == 400


@pytest.fixture
def caller_cookie() -> Callable[[str], str]:
    # The cookie syntax's octal escape: Python's cookie parser turns \000 into NUL.
    return lambda name: f'{name}="abcdefgh\\000ijklmnop"'
