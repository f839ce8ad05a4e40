"""pipeline-stage-view's `wfapi`: pending inputs with context-relative URLs, and runs."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import (
    ORDER_SERVICE,
    ORDER_SERVICE_INPUT,
    job_path,
    start_build,
    wait_at_input,
)
from releasegate.simulators.jenkins.tests.conftest import Connect, Control

BUILD = f"{job_path(ORDER_SERVICE)}1/"


def test_it_lists_the_pending_input_with_its_parameters(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)

    pending = api.get(f"{BUILD}wfapi/pendingInputActions").json()

    assert pending == [
        {
            "id": ORDER_SERVICE_INPUT,
            "proceedText": "发布",
            "message": "确认发布到生产?",
            "inputs": [
                {
                    "type": "StringParameterDefinition",
                    "name": "CONFIRM_TAG",
                    "description": "再次确认要发布的标签",
                    "definition": {"defaultVal": ""},
                },
                {
                    "type": "BooleanParameterDefinition",
                    "name": "NOTIFY_QA",
                    "description": "通知测试",
                    "definition": {"defaultVal": True},
                },
            ],
            "proceedUrl": f"/{BUILD}wfapi/inputSubmit?inputId={ORDER_SERVICE_INPUT}",
            "abortUrl": f"/{BUILD}input/{ORDER_SERVICE_INPUT}/abort",
            "redirectApprovalUrl": f"/{BUILD}input/",
        }
    ]
    assert api.get(f"{BUILD}wfapi/nextPendingInputAction").json()["id"] == ORDER_SERVICE_INPUT


def test_it_lists_nothing_once_the_input_is_answered(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)
    api.post(f"{BUILD}input/{ORDER_SERVICE_INPUT}/proceedEmpty")

    assert api.get(f"{BUILD}wfapi/pendingInputActions").json() == []
    assert api.get(f"{BUILD}wfapi/nextPendingInputAction").json() is None


def test_it_describes_the_run_as_paused_at_the_input_stage(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    wait_at_input(api, sim)
    sim.advance(60)

    run = api.get(f"{BUILD}wfapi/describe").json()

    assert run["status"] == "PAUSED_PENDING_INPUT"
    assert run["name"] == "#1"
    assert [(s["name"], s["status"]) for s in run["stages"]] == [
        ("Checkout", "SUCCESS"),
        ("Build", "SUCCESS"),
        ("Deploy to production", "PAUSED_PENDING_INPUT"),
    ]
    assert run["_links"]["pendingInputActions"]["href"] == f"/{BUILD}wfapi/pendingInputActions"
    assert run["pauseDurationMillis"] >= 60_000


def test_it_describes_a_finished_run_by_its_result(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    start_build(api, "mall/inventory-service")
    sim.advance(2.5)

    run = api.get(f"{job_path('mall/inventory-service')}1/wfapi/describe").json()

    assert run["status"] == "FAILED"
    assert [s["status"] for s in run["stages"]] == ["SUCCESS", "FAILED"]
    assert "pendingInputActions" not in run["_links"]


def test_it_lists_the_runs_of_a_job_newest_first(api: httpx.Client, sim: SimulatorControl) -> None:
    start_build(api, "mall/web-frontend")
    sim.advance(3.5)
    start_build(api, "mall/web-frontend")

    runs = api.get(f"{job_path('mall/web-frontend')}wfapi/runs").json()

    assert [(run["id"], run["status"]) for run in runs] == [("2", "IN_PROGRESS"), ("1", "SUCCESS")]


def test_it_prefixes_urls_with_the_context_path_and_serves_them(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect, control_of: Control
) -> None:
    jenkins = start_jenkins(root_url="http://ci.example.com/jenkins/")
    api = connect(jenkins)
    wait_at_input(api, control_of(jenkins))

    [pending] = api.get(f"{BUILD}wfapi/pendingInputActions").json()
    proceed = api.post(pending["proceedUrl"], data={"json": '{"parameter": []}'})

    assert pending["proceedUrl"].startswith("/jenkins/job/mall/job/order-service/1/")
    assert proceed.status_code == 200
    assert api.get(f"{BUILD}api/json").json()["url"] == f"http://ci.example.com/jenkins/{BUILD}"


def test_it_serves_no_wfapi_without_stage_view_or_for_freestyle_jobs(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect, control_of: Control
) -> None:
    jenkins = start_jenkins(stage_view=False)
    api = connect(jenkins)
    wait_at_input(api, control_of(jenkins))
    api.post(f"{job_path('ops/nightly-backup')}build")

    assert api.get(f"{BUILD}wfapi/pendingInputActions").status_code == 404
    assert api.get(f"{job_path('ops/nightly-backup')}1/wfapi/describe").status_code == 404
