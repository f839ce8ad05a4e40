"""api4jenkins, used as it is, against the simulator over a socket: jobs in folders, a
build with parameters followed from its queue item, the console, the built-in node's
executors and a pipeline input answered through stage view's pendingInputActions."""

from __future__ import annotations

import pytest
from api4jenkins import Jenkins

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import (
    DEMO_TOKEN,
    DEMO_USER,
    ORDER_SERVICE,
    ORDER_SERVICE_INPUT,
    SECONDS_TO_INPUT,
)

WEB_FRONTEND = "mall/web-frontend"


@pytest.fixture
def client(jenkins: JenkinsSimulator) -> Jenkins:
    return Jenkins(jenkins.url, auth=(DEMO_USER, DEMO_TOKEN), timeout=5)


def test_it_reads_the_version_and_the_user(client: Jenkins) -> None:
    assert client.version == "2.579"
    assert client.me.api_json()["id"] == DEMO_USER


def test_it_walks_the_folders(client: Jenkins) -> None:
    names = [job.full_name for job in client.iter(2)]

    assert names[:2] == ["mall", "mall/web-frontend"]
    assert "payment/settlement-batch" in names


def test_it_builds_a_job_and_reads_the_build(client: Jenkins, sim: SimulatorControl) -> None:
    job = client.get_job(WEB_FRONTEND)
    item = job.build(BRANCH="hotfix/cart-total")

    build = item.get_build()
    assert type(build).__name__ == "WorkflowRun"
    assert build.building is True
    sim.advance(10)
    assert build.result == "SUCCESS"
    assert build.get_parameters()[0].value == "hotfix/cart-total"
    assert next(iter(build.console_text())) == "Started by user releasegate"
    assert build.get_previous_build() is None


def test_it_finds_a_running_build_on_the_built_in_node(client: Jenkins) -> None:
    client.get_job(WEB_FRONTEND).build(BRANCH="master")

    [build] = list(client.nodes.iter_builds())

    assert build.url.endswith("/job/mall/job/web-frontend/1/")


def test_it_answers_a_pipeline_input_with_values(client: Jenkins, sim: SimulatorControl) -> None:
    build = client.get_job(ORDER_SERVICE).build(TAG="v3.8.0").get_build()
    sim.advance(SECONDS_TO_INPUT)

    pending = build.get_pending_input()
    assert pending.raw["id"] == ORDER_SERVICE_INPUT
    pending.submit(CONFIRM_TAG="v3.8.0", NOTIFY_QA=True)
    sim.advance(10)

    assert build.result == "SUCCESS"
    assert build.get_pending_input() is None


def test_it_aborts_a_pipeline_input(client: Jenkins, sim: SimulatorControl) -> None:
    build = client.get_job(ORDER_SERVICE).build(TAG="v3.8.0").get_build()
    sim.advance(SECONDS_TO_INPUT)

    build.get_pending_input().abort()

    assert build.result == "ABORTED"
