"""Scenarios: the built-in demo loads, and definitions Jenkins could not have are refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from releasegate.simulators.jenkins.scenario import (
    GenerateSpec,
    Scenario,
    load_scenario,
    parse_scenario,
)


def test_it_loads_the_demo_by_name() -> None:
    demo = load_scenario("demo")

    assert [job.path for job in demo.jobs] == [
        "mall/web-frontend",
        "mall/order-service",
        "mall/inventory-service",
        "mall/legacy-admin",
        "payment/gateway",
        "payment/settlement-batch",
        "ops/nightly-backup",
        "ops/config-center",
    ]
    assert demo.quiet_period == 0
    assert [user.name for user in demo.users] == ["releasegate", "viewer"]


def test_it_names_the_built_in_scenarios_when_one_is_missing() -> None:
    with pytest.raises(FileNotFoundError, match=r"built in: demo"):
        load_scenario("no-such-scenario")


def test_it_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="colour"):
        parse_scenario({"jobs": [{"path": "a", "colour": "blue"}]})


def test_it_refuses_a_choice_without_choices() -> None:
    with pytest.raises(ValidationError, match="needs choices"):
        parse_scenario({"jobs": [{"path": "a", "parameters": [{"name": "E", "type": "choice"}]}]})


def test_it_refuses_a_choice_default_that_is_not_the_first_choice() -> None:
    parameter = {
        "name": "E",
        "type": "choice",
        "choices": ["prod", "staging"],
        "default": "staging",
    }

    with pytest.raises(ValidationError, match="first choice"):
        parse_scenario({"jobs": [{"path": "a", "parameters": [parameter]}]})


def test_it_generates_the_same_jobs_from_the_same_seed() -> None:
    spec = GenerateSpec(folders=2, jobs_per_folder=3)

    first = Scenario(seed=7, generate=[spec]).expanded_jobs()
    again = Scenario(seed=7, generate=[spec]).expanded_jobs()

    assert [job.path for job in first] == [
        f"team-{f:03d}/service-{j:03d}" for f in range(2) for j in range(3)
    ]
    assert first == again
