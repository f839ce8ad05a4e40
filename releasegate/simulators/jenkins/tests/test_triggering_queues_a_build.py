"""Triggering: `buildWithParameters` and `build`, their status codes and refusals."""

from __future__ import annotations

import json

import httpx
import pytest

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import (
    action,
    job_path,
    queue_id,
    queue_item,
    trigger,
)

PARAMETERS = "hudson.model.ParametersAction"


def parameters_of(api: httpx.Client, response: httpx.Response) -> dict[str, object]:
    item = queue_item(api, queue_id(response))
    return {p["name"]: p.get("value") for p in action(item, PARAMETERS)["parameters"]}


def test_it_answers_201_with_the_queue_item_location(
    jenkins: JenkinsSimulator, api: httpx.Client
) -> None:
    response = trigger(api, "mall/web-frontend", BRANCH="release/2026.11", ENV="staging")

    assert response.status_code == 201
    assert response.headers["Location"] == f"{jenkins.url}queue/item/1/"
    assert response.content == b""


def test_it_fills_in_defaults_for_parameters_not_sent(api: httpx.Client) -> None:
    response = trigger(api, "mall/order-service", TAG="v3.7.2")

    assert parameters_of(api, response) == {
        "TAG": "v3.7.2",
        "RELEASE_TYPE": "全量",
        "CANARY_PERCENT": "10",
    }


def test_it_reads_parameters_from_the_form_body_too(api: httpx.Client) -> None:
    response = api.post(
        f"{job_path('payment/gateway')}buildWithParameters",
        data={"TAG": "v2.4.0", "DRY_RUN": "true"},
    )

    assert response.status_code == 201
    assert parameters_of(api, response) == {"TAG": "v2.4.0", "ENV": "prod", "DRY_RUN": True}


def test_it_ignores_names_the_job_does_not_define(api: httpx.Client) -> None:
    response = trigger(api, "mall/order-service", NOT_A_PARAMETER="x")

    assert response.status_code == 201
    assert "NOT_A_PARAMETER" not in parameters_of(api, response)


def test_it_refuses_a_choice_that_is_not_offered(api: httpx.Client, sim: SimulatorControl) -> None:
    response = trigger(api, "mall/web-frontend", ENV="production")

    assert response.status_code == 500
    assert "Illegal choice for parameter ENV: production" in response.text
    assert sim.queue() == []


def test_it_refuses_a_git_value_the_repository_does_not_have(api: httpx.Client) -> None:
    response = trigger(api, "payment/gateway", TAG="v9.9.9")

    assert response.status_code == 400
    assert "Invalid value for parameter TAG: v9.9.9" in response.text


def test_it_refuses_a_parameter_sent_twice(api: httpx.Client) -> None:
    response = api.post(
        f"{job_path('payment/settlement-batch')}buildWithParameters",
        params={"VERSION": "1"},
        data={"VERSION": "2"},
    )

    assert response.status_code == 500
    assert "Parameter VERSION was specified more than once" in response.text


def test_it_queues_a_job_without_parameters_with_build(
    jenkins: JenkinsSimulator, api: httpx.Client
) -> None:
    response = api.post(f"{job_path('ops/nightly-backup')}build")

    assert response.status_code == 201
    assert response.headers["Location"] == f"{jenkins.url}queue/item/1/"


def test_it_wants_a_json_form_when_build_is_used_on_a_parameterized_job(
    api: httpx.Client,
) -> None:
    bare = api.post(f"{job_path('mall/web-frontend')}build")
    with_delay = api.post(f"{job_path('mall/web-frontend')}build", params={"delay": "0sec"})

    assert bare.status_code == 400
    assert "Nothing is submitted" in bare.text
    assert with_delay.status_code == 400
    assert "This page expects a form submission" in with_delay.text


def test_it_builds_only_the_submitted_values_when_build_gets_json(api: httpx.Client) -> None:
    form = {"parameter": [{"name": "TAG", "value": "v3.7.1"}]}
    response = api.post(f"{job_path('mall/order-service')}build", data={"json": json.dumps(form)})

    assert response.status_code == 201
    assert parameters_of(api, response) == {"TAG": "v3.7.1"}


def test_it_honours_status_code_and_redirect_to_in_the_json_form(
    jenkins: JenkinsSimulator, api: httpx.Client
) -> None:
    form = {"parameter": [], "statusCode": "303", "redirectTo": "."}
    response = api.post(f"{job_path('mall/order-service')}build", data={"json": json.dumps(form)})

    assert response.status_code == 303
    assert response.headers["Location"] == f"{jenkins.url}job/mall/job/order-service/"


def test_it_refuses_an_undefined_name_in_the_json_form(api: httpx.Client) -> None:
    form = {"parameter": [{"name": "NOPE", "value": "x"}]}
    response = api.post(f"{job_path('mall/order-service')}build", data={"json": json.dumps(form)})

    assert response.status_code == 500
    assert "No such parameter definition: NOPE" in response.text


def test_it_refuses_build_with_parameters_on_a_job_without_parameters(api: httpx.Client) -> None:
    response = trigger(api, "ops/nightly-backup")

    assert response.status_code == 400
    assert "ops/nightly-backup is not parameterized" in response.text


@pytest.mark.parametrize("endpoint", ["build", "buildWithParameters"])
def test_it_answers_409_for_a_disabled_job(api: httpx.Client, endpoint: str) -> None:
    response = api.post(f"{job_path('mall/legacy-admin')}{endpoint}")

    assert response.status_code == 409
    assert "mall/legacy-admin is not buildable" in response.text


@pytest.mark.parametrize("endpoint", ["build", "buildWithParameters"])
def test_it_answers_405_to_a_get_that_would_trigger(
    api: httpx.Client, sim: SimulatorControl, endpoint: str
) -> None:
    response = api.get(f"{job_path('ops/nightly-backup')}{endpoint}")

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert sim.queue() == []


def test_it_shows_the_parameter_form_to_a_get_of_build_on_a_parameterized_job(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    response = api.get(f"{job_path('mall/web-frontend')}build")

    assert response.status_code == 200
    assert "<form" in response.text
    assert sim.queue() == []
