"""`depth=`: stapler's ByDepth(1 - depth) judges each property by its visibility, one
level up for every bean it is nested in (the same level when inline)."""

from __future__ import annotations

from typing import Any

from releasegate.simulators.jenkins.tree import INLINE, VISIBILITY, prune_depth

BUILD = "org.jenkinsci.plugins.workflow.job.WorkflowRun"


def build(number: int) -> dict[str, Any]:
    return {
        "_class": BUILD,
        VISIBILITY: {"number": 2, "url": 2},
        "number": number,
        "url": f"b{number}",
        "result": "SUCCESS",
        "actions": [
            {
                "_class": "hudson.model.CauseAction",
                VISIBILITY: {"causes": 2},
                "causes": [{VISIBILITY: {"*": 3}, "shortDescription": "Started by user x"}],
            }
        ],
    }


def job() -> dict[str, Any]:
    definitions = {
        "_class": "hudson.model.ParametersDefinitionProperty",
        VISIBILITY: {"*": 2},
        "parameterDefinitions": [
            {
                VISIBILITY: {"*": 3},
                "name": "BRANCH",
                "defaultParameterValue": {
                    VISIBILITY: {"*": 3, "value": 4},
                    "name": "BRANCH",
                    "value": "main",
                },
            }
        ],
    }
    return {
        "_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
        VISIBILITY: {"name": 999, "url": 999, "color": 2, "allBuilds": -2},
        INLINE: ("property",),
        "name": "order-service",
        "url": "j",
        "color": "blue",
        "builds": lambda: [build(2), build(1)],
        "allBuilds": lambda: [build(2), build(1)],
        "lastBuild": lambda: build(2),
        "actions": [definitions],
        "property": [definitions],
    }


def test_it_shows_nested_builds_by_their_visibility_two_fields_at_depth_zero() -> None:
    pruned = prune_depth(job(), 0)

    assert pruned["builds"] == [
        {"_class": BUILD, "number": 2, "url": "b2"},
        {"_class": BUILD, "number": 1, "url": "b1"},
    ]
    assert pruned["lastBuild"] == {"_class": BUILD, "number": 2, "url": "b2"}


def test_it_hides_minus_two_visibility_until_depth_three() -> None:
    assert "allBuilds" not in prune_depth(job(), 2)
    assert len(prune_depth(job(), 3)["allBuilds"]) == 2


def test_it_judges_inline_properties_at_their_parents_level() -> None:
    pruned = prune_depth(job(), 0)

    # The same ParametersDefinitionProperty: inline in `property`, nested in `actions`,
    # so only the inline copy's default value keeps its name (visibility 3).
    inline = pruned["property"][0]["parameterDefinitions"][0]["defaultParameterValue"]
    nested = pruned["actions"][0]["parameterDefinitions"][0]["defaultParameterValue"]
    assert inline == {"name": "BRANCH", "value": "main"}
    assert nested == {"value": "main"}


def test_it_shows_a_builds_causes_at_depth_zero() -> None:
    pruned = prune_depth(build(7), 0)

    assert pruned["actions"] == [
        {
            "_class": "hudson.model.CauseAction",
            "causes": [{"shortDescription": "Started by user x"}],
        }
    ]


def test_it_shows_nested_builds_in_full_one_level_deeper() -> None:
    pruned = prune_depth(job(), 1)

    assert pruned["lastBuild"]["result"] == "SUCCESS"
    assert pruned["lastBuild"]["actions"][0]["causes"] == [
        {"shortDescription": "Started by user x"}
    ]


def test_it_never_exports_internal_keys() -> None:
    pruned = prune_depth(job(), 5)

    assert VISIBILITY not in pruned
    assert INLINE not in pruned
    assert VISIBILITY not in pruned["lastBuild"]
