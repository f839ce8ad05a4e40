"""Parameter definitions: in both `property[]` and `actions[]`, with Jenkins' shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.simulators.jenkins.tests.calls import job_path
from releasegate.simulators.jenkins.tests.conftest import Connect

PROPERTY = "hudson.model.ParametersDefinitionProperty"
DEFINITIONS_TREE = (
    "property[parameterDefinitions[name,type,description,defaultParameterValue[name,value],"
    "choices,allValueItems[values[name,value],errors]]]"
)


def definitions(api: httpx.Client, full_name: str) -> dict[str, dict[str, Any]]:
    job = api.get(f"{job_path(full_name)}api/json", params={"tree": DEFINITIONS_TREE}).json()
    [prop] = [p for p in job["property"] if p["_class"] == PROPERTY]
    return {d["name"]: d for d in prop["parameterDefinitions"]}


def test_it_exports_the_definitions_both_as_a_property_and_as_an_action(api: httpx.Client) -> None:
    job = api.get(f"{job_path('mall/web-frontend')}api/json").json()

    [from_property] = [p for p in job["property"] if p.get("_class") == PROPERTY]
    [from_actions] = [a for a in job["actions"] if a.get("_class") == PROPERTY]
    # Job.property is inline, actions are not: one level deeper, the default values in
    # the action lose their `name` (visibility 3), as on a real Jenkins at depth 0.
    for definition in from_property["parameterDefinitions"]:
        del definition["defaultParameterValue"]["name"]
    assert from_property == from_actions
    assert [d["name"] for d in from_property["parameterDefinitions"]] == [
        "BRANCH",
        "ENV",
        "RELEASE_TYPE",
    ]
    assert "parameterDefinitions" not in job


def test_it_exports_no_definitions_for_a_job_without_parameters(api: httpx.Client) -> None:
    job = api.get(f"{job_path('ops/nightly-backup')}api/json").json()

    assert job["property"] == []
    assert all(a.get("_class") != PROPERTY for a in job["actions"])


def test_it_defaults_a_choice_to_its_first_choice(api: httpx.Client) -> None:
    branch = definitions(api, "mall/web-frontend")["BRANCH"]

    assert branch == {
        "_class": "hudson.model.ChoiceParameterDefinition",
        "name": "BRANCH",
        "type": "ChoiceParameterDefinition",
        "description": "分支或标签",
        "defaultParameterValue": {
            "_class": "hudson.model.StringParameterValue",
            "name": "BRANCH",
            "value": "master",
        },
        "choices": ["master", "release/2026.11", "hotfix/cart-total"],
    }


def test_it_exports_a_string_default_and_a_boolean_as_json_boolean(api: httpx.Client) -> None:
    gateway = definitions(api, "payment/gateway")
    settlement = definitions(api, "payment/settlement-batch")

    assert settlement["VERSION"]["defaultParameterValue"]["value"] == "1.0.0"
    assert gateway["DRY_RUN"]["_class"] == "hudson.model.BooleanParameterDefinition"
    assert gateway["DRY_RUN"]["defaultParameterValue"] == {
        "_class": "hudson.model.BooleanParameterValue",
        "name": "DRY_RUN",
        "value": False,
    }


def test_it_never_exports_a_password_default(api: httpx.Client) -> None:
    password = definitions(api, "payment/settlement-batch")["DB_PASSWORD"]

    assert password["_class"] == "hudson.model.PasswordParameterDefinition"
    assert password["defaultParameterValue"] == {
        "_class": "hudson.model.PasswordParameterValue",
        "name": "DB_PASSWORD",
    }
    assert "hunter2" not in api.get(f"{job_path('payment/settlement-batch')}api/json").text


def test_it_exports_a_git_parameter_with_its_values_but_no_choices(api: httpx.Client) -> None:
    tag = definitions(api, "payment/gateway")["TAG"]

    assert tag["_class"] == "net.uaznia.lukanus.hudson.plugins.gitparameter.GitParameterDefinition"
    assert tag["type"] == "PT_BRANCH_TAG"
    assert "choices" not in tag
    assert tag["defaultParameterValue"] == {
        "_class": "net.uaznia.lukanus.hudson.plugins.gitparameter.GitParameterValue",
        "name": "TAG",
        "value": "master",
    }
    assert tag["allValueItems"] == {
        "values": [
            {"name": "v2.5.0", "value": "v2.5.0"},
            {"name": "v2.4.1", "value": "v2.4.1"},
            {"name": "v2.4.0", "value": "v2.4.0"},
            {"name": "master", "value": "master"},
        ],
        "errors": [],
    }


def test_it_defaults_a_git_parameter_without_default_to_the_top_value(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    parameter = {"name": "TAG", "type": "git", "choices": ["v1.1", "v1.0"]}
    api = connect(start_jenkins(jobs=[{"path": "svc", "parameters": [parameter]}]))

    assert definitions(api, "svc")["TAG"]["defaultParameterValue"]["value"] == "v1.1"


def test_it_exports_active_choices_without_choices_or_default(
    start_jenkins: Callable[..., JenkinsSimulator], connect: Connect
) -> None:
    parameter = {"name": "DYNAMIC", "type": "active_choices", "choices": ["a", "b"]}
    api = connect(start_jenkins(jobs=[{"path": "svc", "parameters": [parameter]}]))

    dynamic = definitions(api, "svc")["DYNAMIC"]

    assert dynamic["_class"] == "org.biouno.unochoice.ChoiceParameter"
    assert "choices" not in dynamic
    assert dynamic["defaultParameterValue"] is None
