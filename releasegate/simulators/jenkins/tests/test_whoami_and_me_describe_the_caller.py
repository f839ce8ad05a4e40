"""`/whoAmI/api/*` for anyone, `/me/api/*` for users, as Jenkins answers them."""

from __future__ import annotations

import httpx

from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import DEMO_USER, VIEWER
from releasegate.simulators.jenkins.tests.conftest import Connect


def test_whoami_names_an_authenticated_user(api: httpx.Client) -> None:
    response = api.get("whoAmI/api/json")

    assert response.json() == {
        "_class": "hudson.security.WhoAmI",
        "anonymous": False,
        "authenticated": True,
        "authorities": ["authenticated"],
        "name": DEMO_USER,
    }


def test_whoami_answers_anonymous_callers_without_overall_read(
    jenkins: JenkinsSimulator, connect: Connect
) -> None:
    response = connect(jenkins, auth=None).get("whoAmI/api/json")

    assert response.status_code == 200
    # AnonymousAuthenticationToken is authenticated, with the authority "anonymous".
    assert response.json() == {
        "_class": "hudson.security.WhoAmI",
        "anonymous": True,
        "authenticated": True,
        "authorities": ["anonymous"],
        "name": "anonymous",
    }


def test_whoami_no_longer_exports_details_or_tostring(api: httpx.Client) -> None:
    who = api.get("whoAmI/api/json", params={"depth": "5"}).json()

    assert "details" not in who
    assert "toString" not in who


def test_me_describes_the_user_with_their_properties(api: httpx.Client) -> None:
    me = api.get("me/api/json").json()

    assert me["_class"] == "hudson.model.User"
    assert (me["id"], me["fullName"], me["description"]) == (DEMO_USER, DEMO_USER, None)
    assert me["absoluteUrl"] == f"{api.base_url}user/{DEMO_USER}"
    classes = [p["_class"] for p in me["property"]]
    assert "jenkins.security.ApiTokenProperty" in classes
    # `property` is inline: its beans' fields show at depth 0.
    search = next(p for p in me["property"] if p["_class"] == "hudson.search.UserSearchProperty")
    assert search == {"_class": "hudson.search.UserSearchProperty", "insensitiveSearch": True}


def test_me_is_the_same_user_as_its_user_page(jenkins: JenkinsSimulator, connect: Connect) -> None:
    viewer = connect(jenkins, auth=VIEWER)

    me = viewer.get("me/api/json").json()

    assert me == viewer.get("user/VIEWER/api/json").json()
    assert me["id"] == "viewer"


def test_me_is_refused_to_anonymous_callers_with_the_login_page(
    jenkins: JenkinsSimulator, connect: Connect
) -> None:
    response = connect(jenkins, auth=None).get("me/api/json")

    # HudsonAuthenticationEntryPoint: a 403 whose page redirects to the login form.
    assert response.status_code == 403
    assert "Authentication required" in response.text
    assert "/login?from=%2Fme%2Fapi%2Fjson" in response.text
    assert response.headers["X-Hudson"] == "1.395"


def test_an_unknown_user_is_not_found(api: httpx.Client) -> None:
    assert api.get("user/nobody/api/json").status_code == 404
