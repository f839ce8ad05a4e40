"""python-jenkins (OpenStack's client), used as it is, against the simulator over a socket.

It reads `me/api/json` for get_whoami, the root page's X-Jenkins for get_version, lists
folders with nested `tree=jobs[...]`, triggers with buildWithParameters and follows the
queue item's `executable`."""

from __future__ import annotations

import jenkins as python_jenkins
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import DEMO_PASSWORD, DEMO_TOKEN, DEMO_USER

WEB_FRONTEND = "mall/web-frontend"


@pytest.fixture
def server(jenkins: JenkinsSimulator) -> python_jenkins.Jenkins:
    return python_jenkins.Jenkins(jenkins.url, DEMO_USER, DEMO_TOKEN, timeout=5)


def test_it_says_who_the_caller_is_and_which_version_runs(server: python_jenkins.Jenkins) -> None:
    assert server.get_whoami()["id"] == DEMO_USER
    assert server.get_whoami()["fullName"] == DEMO_USER
    assert server.get_version() == "2.579"


def test_it_lists_every_job_through_the_folders(server: python_jenkins.Jenkins) -> None:
    names = {job["fullname"] for job in server.get_all_jobs()}

    assert {"mall", "mall/order-service", "payment/gateway", "ops/nightly-backup"} <= names
    assert [job["name"] for job in server.get_jobs()] == ["mall", "payment", "ops"]


def test_it_reads_a_job_at_depth_one(server: python_jenkins.Jenkins) -> None:
    info = server.get_job_info(WEB_FRONTEND, depth=1)

    assert info["fullName"] == WEB_FRONTEND
    [definitions] = [p for p in info["property"] if "parameterDefinitions" in p]
    assert [d["name"] for d in definitions["parameterDefinitions"]] == [
        "BRANCH",
        "ENV",
        "RELEASE_TYPE",
    ]


def test_it_builds_with_parameters_and_follows_the_queue_to_the_build(
    server: python_jenkins.Jenkins, sim: SimulatorControl
) -> None:
    queue_id = server.build_job(WEB_FRONTEND, {"BRANCH": "release/2026.11", "ENV": "staging"})
    item = server.get_queue_item(queue_id)

    assert item["_class"] == "hudson.model.Queue$LeftItem"
    number = item["executable"]["number"]
    sim.advance(10)
    build = server.get_build_info(WEB_FRONTEND, number)
    assert (build["result"], build["building"]) == ("SUCCESS", False)
    [parameters] = [a for a in build["actions"] if "parameters" in a]
    assert {p["name"]: p["value"] for p in parameters["parameters"]} == {
        "BRANCH": "release/2026.11",
        "ENV": "staging",
        "RELEASE_TYPE": "全量",
    }
    assert "Started by user releasegate" in server.get_build_console_output(WEB_FRONTEND, number)


def test_it_builds_with_a_password_through_the_crumb_it_fetches(
    jenkins: JenkinsSimulator,
) -> None:
    server = python_jenkins.Jenkins(jenkins.url, DEMO_USER, DEMO_PASSWORD, timeout=5)

    queue_id = server.build_job("ops/nightly-backup")

    assert server.get_queue_item(queue_id)["task"]["name"] == "nightly-backup"


def test_it_finds_the_built_in_node(server: python_jenkins.Jenkins) -> None:
    assert server.get_nodes() == [{"name": "Built-In Node", "offline": False}]
    assert server.get_node_info("(master)")["displayName"] == "Built-In Node"
