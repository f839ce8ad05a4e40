"""jenkinsapi, used as it is, against the simulator over a socket. It reads `api/python`
(Python literals) for Jenkins, jobs, builds, nodes and the crumb issuer."""

from __future__ import annotations

import pytest
from jenkinsapi.jenkins import Jenkins

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import DEMO_PASSWORD, DEMO_TOKEN, DEMO_USER

WEB_FRONTEND = "mall/web-frontend"


@pytest.fixture
def client(jenkins: JenkinsSimulator) -> Jenkins:
    return Jenkins(jenkins.url.rstrip("/"), DEMO_USER, DEMO_TOKEN, timeout=5)


def test_it_lists_the_jobs_inside_folders(client: Jenkins) -> None:
    assert client.version == "2.579"
    assert {WEB_FRONTEND, "payment/gateway", "ops/nightly-backup"} <= set(client.keys())
    assert client.is_quieting_down is False


def test_it_invokes_a_job_and_follows_it_to_its_build(
    client: Jenkins, sim: SimulatorControl
) -> None:
    job = client.get_job(WEB_FRONTEND)
    assert job.get_params_list() == ["BRANCH", "ENV", "RELEASE_TYPE"]

    build = job.invoke(build_params={"BRANCH": "release/2026.11"}).get_build()

    assert build.get_number() == 1
    assert build.is_running() is True
    sim.advance(10)
    build.poll()
    assert build.get_status() == "SUCCESS"
    assert build.get_params()["BRANCH"] == "release/2026.11"
    assert "Started by user releasegate" in build.get_console()
    assert job.get_last_buildnumber() == 1


def test_it_fetches_a_crumb_when_it_signs_in_with_a_password(
    jenkins: JenkinsSimulator,
) -> None:
    client = Jenkins(jenkins.url.rstrip("/"), DEMO_USER, DEMO_PASSWORD, timeout=5)

    item = client.get_job("ops/nightly-backup").invoke()

    assert item.get_build().get_number() == 1


def test_it_reads_the_built_in_node(client: Jenkins) -> None:
    nodes = client.get_nodes()

    assert list(nodes.keys()) == ["Built-In Node"]
    assert nodes["Built-In Node"].is_online() is True
