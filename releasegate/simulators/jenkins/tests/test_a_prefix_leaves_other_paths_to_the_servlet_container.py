"""Jenkins started with `--prefix=/jenkins` answers only below it; any other path gets the
servlet container's 404, which carries no X-Jenkins (only Jenkins' own code adds it)."""

from __future__ import annotations

from collections.abc import Callable

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.conftest import Connect


def test_it_serves_jenkins_below_the_prefix(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    jenkins = start_jenkins(prefix="/jenkins")

    response = connect(jenkins).get("api/json")

    assert jenkins.url.endswith("/jenkins/")
    assert response.status_code == 200
    assert response.headers["X-Jenkins"] == "2.579"
    assert response.json()["url"] == jenkins.url


def test_outside_the_prefix_the_container_answers_404_without_x_jenkins(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    jenkins = start_jenkins(prefix="/jenkins")
    server_root = jenkins.url.removesuffix("jenkins/")

    response = connect(jenkins).get(f"{server_root}api/json")

    assert response.status_code == 404
    assert "X-Jenkins" not in response.headers


def test_its_control_api_stays_reachable(start_jenkins: Callable[..., JenkinsSimulator]) -> None:
    jenkins = start_jenkins(prefix="/jenkins")

    control = SimulatorControl(jenkins.url)
    try:
        assert control.builds() == []
    finally:
        control.close()
