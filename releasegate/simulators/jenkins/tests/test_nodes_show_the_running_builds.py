"""`/computer/api/*`: the built-in node, whose executors show what runs, as clients that
look for a queue item's build among the executors (api4jenkins) expect."""

from __future__ import annotations

import httpx

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.tests.calls import job_path, start_build

WEB_FRONTEND = "mall/web-frontend"

# api4jenkins' own tree for finding builds on nodes.
EXECUTABLES = (
    "computer[displayName,executors[currentExecutable[url]],"
    "oneOffExecutors[currentExecutable[url]]]"
)


def test_it_lists_the_built_in_node_with_its_executors(api: httpx.Client) -> None:
    nodes = api.get("computer/api/json").json()

    assert nodes["_class"] == "hudson.model.ComputerSet"
    [node] = nodes["computer"]
    assert (node["_class"], node["displayName"]) == (
        "hudson.model.Hudson$MasterComputer",
        "Built-In Node",
    )
    # Executor's fields have visibility 1: nested in the node they need depth 1.
    assert node["executors"] == [{}] * nodes["totalExecutors"]


def test_it_shows_a_running_pipeline_on_a_one_off_executor(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    number = start_build(api, WEB_FRONTEND)

    [node] = api.get("computer/api/json", params={"tree": EXECUTABLES}).json()["computer"]

    assert [e["currentExecutable"] for e in node["oneOffExecutors"]] == [
        {
            "_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun",
            "url": f"{api.base_url}{job_path(WEB_FRONTEND)}{number}/",
        }
    ]
    assert {e["currentExecutable"] is None for e in node["executors"]} == {True}

    sim.advance(10)
    [node] = api.get("computer/api/json", params={"tree": EXECUTABLES}).json()["computer"]
    assert node["oneOffExecutors"] == []


def test_it_serves_the_built_in_node_on_its_own(api: httpx.Client) -> None:
    node = api.get("computer/(built-in)/api/json").json()

    assert node["displayName"] == "Built-In Node"
    assert node["offline"] is False
