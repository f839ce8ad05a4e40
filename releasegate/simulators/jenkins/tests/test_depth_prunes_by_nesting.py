"""`depth=`: model objects nested deeper than the depth show their summary fields."""

from __future__ import annotations

from typing import Any

from releasegate.simulators.jenkins.tree import SUMMARY, prune_depth

BUILD = "org.jenkinsci.plugins.workflow.job.WorkflowRun"


def job() -> dict[str, Any]:
    def build(number: int) -> dict[str, Any]:
        return {
            "_class": BUILD,
            SUMMARY: ("number", "url"),
            "number": number,
            "url": f"b{number}",
            "result": "SUCCESS",
            "actions": [{"_class": "hudson.model.CauseAction", "causes": []}],
        }

    return {
        "_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
        SUMMARY: ("name", "url", "color"),
        "name": "order-service",
        "url": "j",
        "color": "blue",
        "builds": lambda: [build(2), build(1)],
        "lastBuild": lambda: build(2),
        "property": [{"_class": "hudson.model.ParametersDefinitionProperty", "x": 1}],
    }


def test_it_shows_the_object_itself_in_full_at_depth_zero() -> None:
    pruned = prune_depth(job(), 0)

    assert pruned["name"] == "order-service"
    assert pruned["property"] == [{"_class": "hudson.model.ParametersDefinitionProperty", "x": 1}]


def test_it_shows_nested_model_objects_as_their_summary_at_depth_zero() -> None:
    pruned = prune_depth(job(), 0)

    assert pruned["builds"] == [
        {"_class": BUILD, "number": 2, "url": "b2"},
        {"_class": BUILD, "number": 1, "url": "b1"},
    ]
    assert pruned["lastBuild"] == {"_class": BUILD, "number": 2, "url": "b2"}


def test_it_shows_nested_model_objects_in_full_one_level_deeper() -> None:
    pruned = prune_depth(job(), 1)

    assert pruned["lastBuild"]["result"] == "SUCCESS"
    assert pruned["lastBuild"]["actions"] == [{"_class": "hudson.model.CauseAction", "causes": []}]


def test_it_never_exports_internal_keys() -> None:
    pruned = prune_depth(job(), 5)

    assert SUMMARY not in pruned
    assert SUMMARY not in pruned["lastBuild"]
