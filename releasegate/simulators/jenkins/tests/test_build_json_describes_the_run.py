"""Build JSON: the fields of a running and a finished run, and permalinks."""

from __future__ import annotations

import httpx
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import (
    action,
    build_json,
    job_path,
    start_build,
)

RUN = "org.jenkinsci.plugins.workflow.job.WorkflowRun"


def test_it_describes_a_running_build(
    jenkins: JenkinsSimulator, api: httpx.Client, sim: SimulatorControl
) -> None:
    started_ms = sim.now_ms()
    start_build(api, "mall/web-frontend", ENV="staging")

    build = build_json(api, "mall/web-frontend", 1)

    assert build["_class"] == RUN
    assert (build["building"], build["inProgress"], build["result"]) == (True, True, None)
    assert build["duration"] == 0
    assert build["estimatedDuration"] == -1
    assert build["executor"] is not None
    assert abs(build["timestamp"] - started_ms) < 1000
    assert (build["number"], build["id"], build["displayName"]) == (1, "1", "#1")
    assert build["fullDisplayName"] == "商城 » 商城前端 #1"
    assert build["url"] == f"{jenkins.url}job/mall/job/web-frontend/1/"
    assert build["queueId"] == 1


def test_it_records_parameters_and_the_user_who_started_it(api: httpx.Client) -> None:
    start_build(api, "mall/web-frontend", ENV="staging")

    build = build_json(api, "mall/web-frontend", 1)

    assert action(build, "hudson.model.ParametersAction")["parameters"] == [
        {"_class": "hudson.model.StringParameterValue", "name": "BRANCH", "value": "master"},
        {"_class": "hudson.model.StringParameterValue", "name": "ENV", "value": "staging"},
        {"_class": "hudson.model.StringParameterValue", "name": "RELEASE_TYPE", "value": "全量"},
    ]
    assert action(build, "hudson.model.CauseAction")["causes"] == [
        {
            "_class": "hudson.model.Cause$UserIdCause",
            "shortDescription": "Started by user releasegate",
            "userId": "releasegate",
            "userName": "releasegate",
        }
    ]


def test_it_never_shows_a_password_value_in_the_build(api: httpx.Client) -> None:
    start_build(api, "payment/settlement-batch", DB_PASSWORD="s3cret")

    build = build_json(api, "payment/settlement-batch", 1)

    assert build["_class"] == "hudson.model.FreeStyleBuild"
    password = action(build, "hudson.model.ParametersAction")["parameters"][1]
    assert password == {"_class": "hudson.model.PasswordParameterValue", "name": "DB_PASSWORD"}
    assert "s3cret" not in api.get(f"{job_path('payment/settlement-batch')}1/consoleText").text


def test_it_describes_a_finished_build(api: httpx.Client, sim: SimulatorControl) -> None:
    start_build(api, "mall/web-frontend")
    sim.advance(3.5)

    build = build_json(api, "mall/web-frontend", 1)

    assert (build["building"], build["inProgress"], build["result"]) == (False, False, "SUCCESS")
    assert build["duration"] == 3000
    assert build["executor"] is None


def test_it_estimates_the_duration_from_earlier_builds(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    start_build(api, "mall/web-frontend")
    sim.advance(3.5)
    start_build(api, "mall/web-frontend")

    assert build_json(api, "mall/web-frontend", 2)["estimatedDuration"] == 3000


def test_it_ends_a_failing_job_with_failure(api: httpx.Client, sim: SimulatorControl) -> None:
    start_build(api, "mall/inventory-service")
    sim.advance(2.5)

    assert build_json(api, "mall/inventory-service", 1)["result"] == "FAILURE"


def test_it_resolves_permalinks(api: httpx.Client, sim: SimulatorControl) -> None:
    start_build(api, "mall/web-frontend")
    sim.advance(3.5)
    start_build(api, "mall/web-frontend", ENV="staging")

    def number(permalink: str) -> int | None:
        response = api.get(f"{job_path('mall/web-frontend')}{permalink}/api/json")
        return response.json()["number"] if response.status_code == 200 else None

    assert number("lastBuild") == 2
    assert number("lastCompletedBuild") == 1
    assert number("lastSuccessfulBuild") == 1
    assert number("lastStableBuild") == 1
    assert number("firstBuild") == 1
    assert number("lastFailedBuild") is None
    assert number("lastUnsuccessfulBuild") is None


def test_it_answers_404_for_a_permalink_with_no_build(api: httpx.Client) -> None:
    assert api.get(f"{job_path('mall/web-frontend')}lastBuild/api/json").status_code == 404
    assert api.get(f"{job_path('mall/web-frontend')}7/api/json").status_code == 404


def test_it_lists_builds_newest_first_on_the_job(api: httpx.Client, sim: SimulatorControl) -> None:
    start_build(api, "mall/web-frontend")
    sim.advance(3.5)
    start_build(api, "mall/web-frontend")

    job = api.get(f"{job_path('mall/web-frontend')}api/json").json()

    assert [b["number"] for b in job["builds"]] == [2, 1]
    assert job["lastBuild"] == {"_class": RUN, "number": 2, "url": job["builds"][0]["url"]}
    assert job["lastCompletedBuild"]["number"] == 1
    assert job["nextBuildNumber"] == 3


@pytest.mark.parametrize("tree", ["builds[number,result]{0,1}", "lastBuild[number,building]"])
def test_it_prunes_builds_with_a_tree(api: httpx.Client, tree: str) -> None:
    start_build(api, "mall/web-frontend")

    job = api.get(f"{job_path('mall/web-frontend')}api/json", params={"tree": tree}).json()

    assert set(job) == {"_class", tree.split("[")[0]}
