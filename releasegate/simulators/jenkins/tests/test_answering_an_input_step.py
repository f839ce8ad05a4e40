"""Answering an `input` step: proceed, proceedEmpty, abort, submit and stage view's
inputSubmit, with pipeline-input-step's refusals."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import (
    ORDER_SERVICE,
    ORDER_SERVICE_INPUT,
    build_json,
    job_path,
    start_build,
    wait_at_input,
)

INPUT = f"{job_path(ORDER_SERVICE)}1/input/{ORDER_SERVICE_INPUT}/"


def answer(**values: Any) -> dict[str, str]:
    parameters = [{"name": name, "value": value} for name, value in values.items()]
    return {"json": json.dumps({"parameter": parameters})}


def recorded_input(sim: SimulatorControl) -> dict[str, Any]:
    [build] = sim.builds(ORDER_SERVICE)
    recorded: dict[str, Any] = build["input"]
    return recorded


def test_it_records_only_the_submitted_values(api: httpx.Client, sim: SimulatorControl) -> None:
    wait_at_input(api, sim)

    response = api.post(f"{INPUT}proceed", data=answer(CONFIRM_TAG="v3.8.0"))

    assert response.status_code == 200
    assert recorded_input(sim) == {
        "state": "proceeded",
        "values": {"CONFIRM_TAG": "v3.8.0"},
        "by": "releasegate",
    }


def test_it_carries_on_with_the_build_after_proceeding(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)
    sim.advance(100)
    api.post(f"{INPUT}proceed", data=answer(NOTIFY_QA=False))
    sim.advance(1.5)

    build = build_json(api, ORDER_SERVICE, 1)

    assert build["result"] == "SUCCESS"
    assert build["duration"] >= 104_000
    assert "Approved by releasegate" in api.get(f"{job_path(ORDER_SERVICE)}1/consoleText").text


def test_it_refuses_a_parameter_the_input_does_not_declare(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    response = api.post(f"{INPUT}proceed", data=answer(NOPE="x"))

    assert response.status_code == 500
    assert "No such parameter definition: NOPE" in response.text
    assert recorded_input(sim)["state"] == "waiting"


def test_it_wants_the_json_form_to_proceed(api: httpx.Client, sim: SimulatorControl) -> None:
    wait_at_input(api, sim)

    response = api.post(f"{INPUT}proceed")

    assert response.status_code == 400
    assert "Nothing is submitted" in response.text


def test_it_proceeds_without_values_on_proceed_empty(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    response = api.post(f"{INPUT}proceedEmpty")

    assert response.status_code == 200
    assert recorded_input(sim) == {"state": "proceeded", "values": {}, "by": "releasegate"}


def test_it_aborts_the_build_on_abort(api: httpx.Client, sim: SimulatorControl) -> None:
    wait_at_input(api, sim)

    response = api.post(f"{INPUT}abort")

    assert response.status_code == 200
    assert build_json(api, ORDER_SERVICE, 1)["result"] == "ABORTED"
    assert recorded_input(sim)["state"] == "aborted"


def test_it_finds_no_input_under_a_lower_case_id(api: httpx.Client, sim: SimulatorControl) -> None:
    wait_at_input(api, sim)

    response = api.post(f"{job_path(ORDER_SERVICE)}1/input/deploy-approval/proceedEmpty")

    assert response.status_code == 404
    assert recorded_input(sim)["state"] == "waiting"


def test_it_finds_no_input_before_the_step_is_reached(api: httpx.Client) -> None:
    start_build(api, ORDER_SERVICE)

    assert api.post(f"{INPUT}proceedEmpty").status_code == 404


@pytest.mark.parametrize("second", ["proceedEmpty", "abort"])
def test_it_finds_no_input_once_it_has_been_answered(
    api: httpx.Client, sim: SimulatorControl, second: str
) -> None:
    wait_at_input(api, sim)
    api.post(f"{INPUT}proceedEmpty")

    response = api.post(f"{INPUT}{second}")

    assert response.status_code == 404
    assert recorded_input(sim)["state"] == "proceeded"


def test_it_requires_post(api: httpx.Client, sim: SimulatorControl) -> None:
    wait_at_input(api, sim)

    response = api.get(f"{INPUT}proceedEmpty")

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_it_aborts_and_redirects_on_submit_without_proceed(
    jenkins: JenkinsSimulator, api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    response = api.post(f"{INPUT}submit", data=answer(CONFIRM_TAG="v3.8.0"))

    assert response.status_code == 302
    assert response.headers["Location"] == f"{jenkins.url}{job_path(ORDER_SERVICE)}1/console"
    assert build_json(api, ORDER_SERVICE, 1)["result"] == "ABORTED"


def test_it_proceeds_and_redirects_on_submit_with_proceed(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    response = api.post(f"{INPUT}submit", data={"proceed": "发布", **answer(CONFIRM_TAG="v3.8.0")})

    assert response.status_code == 302
    assert recorded_input(sim)["values"] == {"CONFIRM_TAG": "v3.8.0"}


def test_it_proceeds_through_stage_view_input_submit(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)
    url = f"{job_path(ORDER_SERVICE)}1/wfapi/inputSubmit"

    response = api.post(url, params={"inputId": ORDER_SERVICE_INPUT}, data=answer(NOTIFY_QA=True))

    assert response.status_code == 200
    assert recorded_input(sim)["values"] == {"NOTIFY_QA": True}


def test_it_fails_stage_view_input_submit_for_an_id_not_normalised(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)
    url = f"{job_path(ORDER_SERVICE)}1/wfapi/inputSubmit"

    response = api.post(url, params={"inputId": "deploy-approval"}, data=answer())

    assert response.status_code == 500
    assert "The input ID may not be pre-normalized appropriately" in response.text
    assert recorded_input(sim)["state"] == "waiting"
