"""The `/_sim/` control API: the clock, recorded builds and jobs added, replaced and
removed while the simulator runs."""

from __future__ import annotations

import httpx

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import job_path, queue_id, start_build, trigger


def test_it_moves_the_clock_forward(sim: SimulatorControl) -> None:
    before = sim.now_ms()

    after = sim.advance(3600)

    assert after - before >= 3_600_000
    assert sim.now_ms() >= after


def test_it_records_each_build_with_its_parameters(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    start_build(api, "payment/gateway", TAG="v2.4.0")

    [build] = sim.builds()

    assert build["job"] == "payment/gateway"
    assert (build["number"], build["queue_id"], build["building"]) == (1, 1, True)
    assert build["parameters"] == {"TAG": "v2.4.0", "ENV": "prod", "DRY_RUN": False}
    assert build["causes"] == ["Started by user releasegate"]
    assert build["input"] == {"state": "none", "values": None, "by": None}


def test_it_adds_a_job(api: httpx.Client, sim: SimulatorControl) -> None:
    sim.put_job(path="ops/cleanup", kind="freestyle", display_name="清理")

    job = api.get(f"{job_path('ops/cleanup')}api/json").json()

    assert job["_class"] == "hudson.model.FreeStyleProject"
    assert job["displayName"] == "清理"


def test_it_adds_the_folders_a_new_job_needs(api: httpx.Client, sim: SimulatorControl) -> None:
    sim.put_job(path="data/etl/nightly")

    folder = api.get("job/data/job/etl/api/json", params={"tree": "jobs[name]"}).json()

    assert folder["_class"] == "com.cloudbees.hudson.plugins.folder.Folder"
    assert folder["jobs"] == [
        {"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob", "name": "nightly"}
    ]


def test_it_replaces_a_definition_keeping_builds_and_numbering(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    start_build(api, "mall/web-frontend")
    waiting = trigger(api, "mall/web-frontend", ENV="staging")

    sim.put_job(
        path="mall/web-frontend",
        duration=1,
        parameters=[{"name": "ENV", "type": "choice", "choices": ["staging", "prod"]}],
    )
    sim.advance(3.5)

    assert [b["number"] for b in sim.builds("mall/web-frontend")] == [1, 2]
    assert api.get(f"queue/item/{queue_id(waiting)}/api/json").json()["executable"]["number"] == 2
    definitions = api.get(
        f"{job_path('mall/web-frontend')}api/json",
        params={"tree": "nextBuildNumber,property[parameterDefinitions[name]]"},
    ).json()
    assert definitions["nextBuildNumber"] == 3
    assert definitions["property"][0]["parameterDefinitions"] == [
        {"_class": "hudson.model.ChoiceParameterDefinition", "name": "ENV"}
    ]


def test_it_removes_a_job_and_cancels_what_it_had_queued(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    waiting = trigger(api, "mall/web-frontend", delay="10sec")

    assert sim.remove_job("mall/web-frontend") is True
    assert sim.remove_job("mall/web-frontend") is False

    assert api.get(f"{job_path('mall/web-frontend')}api/json").status_code == 404
    item = api.get(f"queue/item/{queue_id(waiting)}/api/json").json()
    assert (item["cancelled"], item["executable"]) == (True, None)
    sim.advance(20)
    assert sim.builds() == []


def test_it_answers_404_to_an_unknown_control_endpoint(jenkins: JenkinsSimulator) -> None:
    response = httpx.get(f"{jenkins.url}_sim/nothing-here")

    assert response.status_code == 404
    assert response.json() == {"error": "no control endpoint GET /_sim/nothing-here"}


def test_it_answers_400_to_a_job_it_cannot_read(jenkins: JenkinsSimulator) -> None:
    response = httpx.post(f"{jenkins.url}_sim/jobs", json={"path": "x", "kind": "matrix"})

    assert response.status_code == 400
    assert "kind" in response.json()["error"]
