"""CSRF: password-authenticated POSTs need a crumb, valid only with its session cookie."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import (
    DEMO_PASSWORD,
    DEMO_USER,
    job_path,
    trigger,
)
from releasegate.simulators.jenkins.tests.conftest import Connect

PASSWORD = (DEMO_USER, DEMO_PASSWORD)
BACKUP = f"{job_path('ops/nightly-backup')}build"


@pytest.fixture
def with_password(jenkins: JenkinsSimulator, connect: Connect) -> httpx.Client:
    return connect(jenkins, auth=PASSWORD)


def fetch_crumb(client: httpx.Client) -> str:
    response = client.get("crumbIssuer/api/json")
    assert response.status_code == 200
    crumb: str = response.json()["crumb"]
    return crumb


def test_it_refuses_a_password_post_without_a_crumb(
    with_password: httpx.Client, sim: SimulatorControl
) -> None:
    response = with_password.post(BACKUP)

    assert response.status_code == 403
    assert "No valid crumb was included in the request" in response.text
    assert sim.queue() == []


def test_it_issues_a_crumb_with_a_session_cookie(with_password: httpx.Client) -> None:
    response = with_password.get("crumbIssuer/api/json")

    body = response.json()
    assert body["_class"] == "hudson.security.csrf.DefaultCrumbIssuer"
    assert body["crumbRequestField"] == "Jenkins-Crumb"
    assert len(body["crumb"]) == 64
    assert response.headers["Set-Cookie"].startswith("JSESSIONID.")
    assert [name for name in with_password.cookies if name.startswith("JSESSIONID.")]


@pytest.mark.parametrize("sent_as", ["header", "form field"])
def test_it_accepts_the_crumb_with_its_session_cookie(
    with_password: httpx.Client, sent_as: str
) -> None:
    crumb = fetch_crumb(with_password)

    if sent_as == "header":
        response = with_password.post(BACKUP, headers={"Jenkins-Crumb": crumb})
    else:
        response = with_password.post(BACKUP, data={"Jenkins-Crumb": crumb})

    assert response.status_code == 201


def test_it_refuses_the_crumb_without_its_session_cookie(
    jenkins: JenkinsSimulator, with_password: httpx.Client, connect: Connect
) -> None:
    crumb = fetch_crumb(with_password)

    response = connect(jenkins, auth=PASSWORD).post(BACKUP, headers={"Jenkins-Crumb": crumb})

    assert response.status_code == 403


def test_it_refuses_a_crumb_from_another_session(
    jenkins: JenkinsSimulator, with_password: httpx.Client, connect: Connect
) -> None:
    other = connect(jenkins, auth=PASSWORD)
    fetch_crumb(other)

    response = other.post(BACKUP, headers={"Jenkins-Crumb": fetch_crumb(with_password)})

    assert response.status_code == 403


def test_it_refuses_the_crumb_once_the_session_expired(
    with_password: httpx.Client, sim: SimulatorControl
) -> None:
    crumb = fetch_crumb(with_password)
    sim.expire_sessions()

    response = with_password.post(BACKUP, headers={"Jenkins-Crumb": crumb})

    assert response.status_code == 403
    fresh = fetch_crumb(with_password)
    assert with_password.post(BACKUP, headers={"Jenkins-Crumb": fresh}).status_code == 201


def test_it_knows_the_user_by_the_session_cookie_alone(
    jenkins: JenkinsSimulator, with_password: httpx.Client, connect: Connect
) -> None:
    crumb = fetch_crumb(with_password)
    by_cookie = connect(jenkins, auth=None)
    by_cookie.cookies = with_password.cookies

    response = by_cookie.post(BACKUP, headers={"Jenkins-Crumb": crumb})

    assert response.status_code == 201


def test_it_never_asks_for_a_crumb_on_reads(with_password: httpx.Client) -> None:
    assert with_password.get(f"{job_path('ops/nightly-backup')}api/json").status_code == 200


def test_it_has_no_crumb_issuer_when_csrf_protection_is_off(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    with_password = connect(start_jenkins(csrf=False), auth=PASSWORD)

    assert with_password.get("crumbIssuer/api/json").status_code == 404
    assert with_password.post(BACKUP).status_code == 201
    assert trigger(with_password, "mall/order-service").status_code == 201
