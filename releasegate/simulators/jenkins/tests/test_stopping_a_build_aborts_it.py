"""`POST .../<N>/stop`: 302 back, the build ends ABORTED; a no-op once finished."""

from __future__ import annotations

import httpx
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import (
    VIEWER,
    build_json,
    job_path,
    start_build,
)
from releasegate.simulators.jenkins.tests.conftest import Connect

BUILD = f"{job_path('mall/web-frontend')}1/"


def test_it_aborts_a_running_build(
    jenkins: JenkinsSimulator, api: httpx.Client, sim: SimulatorControl
) -> None:
    start_build(api, "mall/web-frontend")

    response = api.post(f"{BUILD}stop")

    assert response.status_code == 302
    assert response.headers["Location"] == f"{jenkins.url}{BUILD}"
    build = build_json(api, "mall/web-frontend", 1)
    assert (build["building"], build["result"]) == (False, "ABORTED")
    assert api.get(f"{BUILD}consoleText").text.endswith("Finished: ABORTED\n")
    color = api.get(f"{job_path('mall/web-frontend')}api/json", params={"tree": "color"})
    assert color.json()["color"] == "aborted"
    sim.advance(10)
    assert build_json(api, "mall/web-frontend", 1)["result"] == "ABORTED"


def test_it_sends_the_caller_back_to_the_referring_page(api: httpx.Client) -> None:
    start_build(api, "mall/web-frontend")

    response = api.post(f"{BUILD}stop", headers={"Referer": "http://ci.example.com/somewhere"})

    assert response.headers["Location"] == "http://ci.example.com/somewhere"


def test_it_leaves_a_finished_build_alone(api: httpx.Client, sim: SimulatorControl) -> None:
    start_build(api, "mall/web-frontend")
    sim.advance(3.5)

    response = api.post(f"{BUILD}stop")

    assert response.status_code == 302
    assert build_json(api, "mall/web-frontend", 1)["result"] == "SUCCESS"


def test_it_requires_post(api: httpx.Client) -> None:
    start_build(api, "mall/web-frontend")

    assert api.get(f"{BUILD}stop").status_code == 405
    assert build_json(api, "mall/web-frontend", 1)["building"] is True


def test_it_requires_the_cancel_permission(
    jenkins: JenkinsSimulator, api: httpx.Client, connect: Connect
) -> None:
    start_build(api, "mall/web-frontend")

    response = connect(jenkins, auth=VIEWER).post(f"{BUILD}stop")

    assert response.status_code == 403
    assert response.headers["X-Required-Permission"] == "hudson.model.Item.Cancel"


@pytest.mark.parametrize("verb", ["term", "kill"])
def test_it_offers_term_and_kill_on_pipelines_only(api: httpx.Client, verb: str) -> None:
    start_build(api, "mall/web-frontend")
    api.post(f"{job_path('ops/nightly-backup')}build")

    assert api.post(f"{BUILD}{verb}").status_code == 302
    assert api.post(f"{job_path('ops/nightly-backup')}1/{verb}").status_code == 404
