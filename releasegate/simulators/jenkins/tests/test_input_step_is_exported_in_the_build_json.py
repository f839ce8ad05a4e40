"""A waiting `input` step in the build JSON: InputAction and, deep enough, its executions
(pipeline-input-step 466+)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

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
from releasegate.simulators.jenkins.tests.conftest import Connect, Control

INPUT_ACTION = "org.jenkinsci.plugins.workflow.support.steps.input.InputAction"
INPUT_TREE = (
    "actions[waitingForInput,executions[id,settled,"
    "input[id,message,ok,submitter,parameters[name,type,defaultParameterValue[value]]]]]"
)


def input_action(build: dict[str, Any]) -> dict[str, Any] | None:
    return next((a for a in build["actions"] if a.get("_class") == INPUT_ACTION), None)


def test_it_has_no_input_action_before_the_step_is_reached(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    start_build(api, ORDER_SERVICE)
    # Into its second stage, well before the input step of its third (at 2.67 s of 4):
    # the simulated clock also runs on with real time, which a busy machine stretches.
    sim.advance(1.0)

    assert input_action(build_json(api, ORDER_SERVICE, 1, depth=2)) is None


def test_it_says_the_build_waits_for_input_at_depth_one(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    action = input_action(build_json(api, ORDER_SERVICE, 1, depth=1))

    assert action is not None
    assert action["waitingForInput"] is True


def test_it_describes_the_waiting_execution_at_depth_two(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    action = input_action(build_json(api, ORDER_SERVICE, 1, depth=2))

    assert action is not None
    [execution] = action["executions"]
    assert (execution["id"], execution["settled"]) == (ORDER_SERVICE_INPUT, False)
    step = execution["input"]
    assert (step["id"], step["message"], step["ok"]) == (
        ORDER_SERVICE_INPUT,
        "确认发布到生产?",
        "发布",
    )
    assert step["submitter"] is None
    assert [p["name"] for p in step["parameters"]] == ["CONFIRM_TAG", "NOTIFY_QA"]


def test_it_describes_the_execution_to_a_tree_that_asks_for_it(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    action = input_action(build_json(api, ORDER_SERVICE, 1, tree=INPUT_TREE))

    assert action == {
        "_class": INPUT_ACTION,
        "waitingForInput": True,
        "executions": [
            {
                "_class": "org.jenkinsci.plugins.workflow.support.steps.input.InputStepExecution",
                "id": ORDER_SERVICE_INPUT,
                "settled": False,
                "input": {
                    "_class": "org.jenkinsci.plugins.workflow.support.steps.input.InputStep",
                    "id": ORDER_SERVICE_INPUT,
                    "message": "确认发布到生产?",
                    "ok": "发布",
                    "submitter": None,
                    "parameters": [
                        {
                            "_class": "hudson.model.StringParameterDefinition",
                            "name": "CONFIRM_TAG",
                            "type": "StringParameterDefinition",
                            "defaultParameterValue": {
                                "_class": "hudson.model.StringParameterValue",
                                "value": "",
                            },
                        },
                        {
                            "_class": "hudson.model.BooleanParameterDefinition",
                            "name": "NOTIFY_QA",
                            "type": "BooleanParameterDefinition",
                            "defaultParameterValue": {
                                "_class": "hudson.model.BooleanParameterValue",
                                "value": True,
                            },
                        },
                    ],
                },
            }
        ],
    }


def test_it_omits_executions_before_pipeline_input_step_466(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect, control_of: Control
) -> None:
    jenkins = start_jenkins(input_executions=False)
    api = connect(jenkins)
    wait_at_input(api, control_of(jenkins))

    action = input_action(build_json(api, ORDER_SERVICE, 1, depth=2))

    assert action == {"_class": INPUT_ACTION, "waitingForInput": True}


def test_it_drops_the_execution_once_the_input_is_answered(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)
    api.post(f"{job_path(ORDER_SERVICE)}1/input/{ORDER_SERVICE_INPUT}/proceedEmpty")

    action = input_action(build_json(api, ORDER_SERVICE, 1, depth=2))

    assert action is not None
    assert (action["waitingForInput"], action["executions"]) == (False, [])


def test_it_names_an_input_without_id_after_the_md5_of_its_message(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    job = {"path": "p", "stages": ["Ask"], "input": {"message": "Is the build okay?"}}
    api = connect(start_jenkins(jobs=[job]))
    start_build_of_p = api.post("job/p/build")
    assert start_build_of_p.status_code == 201

    action = input_action(build_json(api, "p", 1, depth=2))

    assert action is not None
    assert action["executions"][0]["id"] == "Ef95dd500ae6ed3b27b89fb852296d12"


def test_it_shows_only_the_action_class_at_depth_zero(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    # InputAction's fields have visibility 1: nested in the build they need depth 1.
    assert input_action(build_json(api, ORDER_SERVICE, 1)) == {"_class": INPUT_ACTION}


def test_it_shows_executions_by_id_at_depth_one_and_the_step_only_by_class(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    action = input_action(build_json(api, ORDER_SERVICE, 1, depth=1))

    assert action == {
        "_class": INPUT_ACTION,
        "displayName": "Paused for Input",
        "executions": [
            {
                "_class": f"{INPUT_ACTION[: -len('InputAction')]}InputStepExecution",
                "id": ORDER_SERVICE_INPUT,
                "input": {"_class": f"{INPUT_ACTION[: -len('InputAction')]}InputStep"},
                "settled": False,
            }
        ],
        "waitingForInput": True,
    }


def test_it_has_no_api_under_the_input_url_as_inputaction_has_none(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    for flavour in ("json", "xml", "python"):
        response = api.get(f"{job_path(ORDER_SERVICE)}1/input/api/{flavour}")
        assert response.status_code == 404
