"""Authentication (401) and permissions (403 with Jenkins' diagnostic headers)."""

from __future__ import annotations

import httpx

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import (
    DEMO_PASSWORD,
    DEMO_USER,
    VIEWER,
    job_path,
    trigger,
)
from releasegate.simulators.jenkins.tests.conftest import Connect


def test_it_refuses_an_anonymous_caller_with_403_and_says_who_it_thinks_you_are(
    jenkins: JenkinsSimulator, connect: Connect
) -> None:
    response = connect(jenkins, auth=None).get("api/json")

    assert response.status_code == 403
    assert response.headers["X-You-Are-Authenticated-As"] == "anonymous"
    assert response.headers["X-Required-Permission"] == "hudson.model.Hudson.Read"
    assert "X-You-Are-In-Group-Disabled" in response.headers
    assert response.headers["X-Permission-Implied-By"] == "hudson.model.Hudson.Administer"


def test_it_answers_401_to_a_wrong_token(jenkins: JenkinsSimulator, connect: Connect) -> None:
    response = connect(jenkins, auth=(DEMO_USER, "not-the-token")).get("api/json")

    assert response.status_code == 401
    assert "Invalid password/token for user: releasegate" in response.text


def test_it_answers_401_to_an_unknown_user(jenkins: JenkinsSimulator, connect: Connect) -> None:
    assert connect(jenkins, auth=("mallory", "x")).get("api/json").status_code == 401


def test_it_accepts_the_password_as_well_as_the_token(
    jenkins: JenkinsSimulator, connect: Connect
) -> None:
    assert connect(jenkins, auth=(DEMO_USER, DEMO_PASSWORD)).get("api/json").status_code == 200


def test_it_lets_a_read_only_user_read(jenkins: JenkinsSimulator, connect: Connect) -> None:
    viewer = connect(jenkins, auth=VIEWER)

    assert viewer.get(f"{job_path('mall/order-service')}api/json").status_code == 200


def test_it_refuses_a_read_only_user_a_build(
    jenkins: JenkinsSimulator, connect: Connect, sim: SimulatorControl
) -> None:
    viewer = connect(jenkins, auth=VIEWER)

    with_parameters = trigger(viewer, "mall/order-service")
    without = viewer.post(f"{job_path('ops/nightly-backup')}build")

    for response in (with_parameters, without):
        assert response.status_code == 403
        assert response.headers["X-You-Are-Authenticated-As"] == "viewer"
        assert response.headers["X-Required-Permission"] == "hudson.model.Item.Build"
    assert sim.queue() == []


def test_it_checks_the_build_permission_before_the_method(
    jenkins: JenkinsSimulator, connect: Connect
) -> None:
    response = connect(jenkins, auth=VIEWER).get(f"{job_path('ops/nightly-backup')}build")

    assert response.status_code == 403


def test_it_needs_no_crumb_for_a_post_with_an_api_token(api: httpx.Client) -> None:
    response = trigger(api, "mall/order-service")

    assert response.status_code == 201
    assert "Jenkins-Crumb" not in response.request.headers
