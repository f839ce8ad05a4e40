"""`tree=`: stapler's NamedPathPruner grammar, applied to exported dicts."""

from __future__ import annotations

from typing import Any

import pytest

from releasegate.simulators.jenkins.tree import TreeSyntaxError, parse_tree, prune_tree

FOLDER = "com.cloudbees.hudson.plugins.folder.Folder"
PIPELINE = "org.jenkinsci.plugins.workflow.job.WorkflowJob"


def jenkins_root() -> dict[str, Any]:
    jobs = [
        {"_class": PIPELINE, "name": f"job-{n}", "url": f"u{n}", "color": "blue"} for n in range(5)
    ]
    team = {
        "_class": FOLDER,
        "name": "team",
        "url": "t",
        "jobs": [{"_class": FOLDER, "name": "inner", "jobs": jobs[:2]}],
    }
    return {"_class": "hudson.model.Hudson", "mode": "NORMAL", "jobs": [team, *jobs]}


def prune(tree: str, obj: dict[str, Any] | None = None) -> dict[str, Any]:
    return prune_tree(obj or jenkins_root(), parse_tree(tree))


def test_it_keeps_only_the_named_properties_and_always_the_class() -> None:
    assert prune("mode") == {"_class": "hudson.model.Hudson", "mode": "NORMAL"}


def test_it_descends_into_nested_brackets() -> None:
    pruned = prune("jobs[name,jobs[name,jobs[name,color]]]")

    team = pruned["jobs"][0]
    assert team == {
        "_class": FOLDER,
        "name": "team",
        "jobs": [
            {
                "_class": FOLDER,
                "name": "inner",
                "jobs": [
                    {"_class": PIPELINE, "name": "job-0", "color": "blue"},
                    {"_class": PIPELINE, "name": "job-1", "color": "blue"},
                ],
            }
        ],
    }


def test_it_answers_a_bare_property_on_an_object_array_with_classes_only() -> None:
    pruned = prune("jobs[name,jobs]")

    assert pruned["jobs"][0]["jobs"] == [{"_class": FOLDER}]


def test_it_leaves_out_a_property_the_object_does_not_have() -> None:
    assert prune("jobs[color]{0,1}") == {
        "_class": "hudson.model.Hudson",
        "jobs": [{"_class": FOLDER}],
    }


@pytest.mark.parametrize(
    ("tree", "names"),
    [
        ("jobs[name]{1,3}", ["job-0", "job-1"]),
        ("jobs[name]{4,}", ["job-3", "job-4"]),
        ("jobs[name]{,2}", ["team", "job-0"]),
        ("jobs[name]{2}", ["job-1"]),
        ("jobs[name]{0,100}", ["team", "job-0", "job-1", "job-2", "job-3", "job-4"]),
        ("jobs[name]{9,}", []),
    ],
)
def test_it_slices_arrays_by_range(tree: str, names: list[str]) -> None:
    assert [job["name"] for job in prune(tree)["jobs"]] == names


def test_it_applies_a_range_to_a_nested_array() -> None:
    pruned = prune("jobs[name,jobs[name,jobs[name]{1}]]{0}")

    assert pruned["jobs"][0]["jobs"][0]["jobs"] == [{"_class": PIPELINE, "name": "job-1"}]


def test_it_selects_every_property_with_a_wildcard() -> None:
    pruned = prune("jobs[*]{1}")

    assert pruned["jobs"] == [{"_class": PIPELINE, "name": "job-0", "url": "u0", "color": "blue"}]


def test_it_takes_names_verbatim_so_a_space_is_part_of_the_name() -> None:
    assert prune("mode, jobs") == {"_class": "hudson.model.Hudson", "mode": "NORMAL"}


def test_it_evaluates_a_lazy_field_only_when_selected() -> None:
    asked: list[str] = []

    def expensive() -> str:
        asked.append("costly")
        return "value"

    obj = {"_class": "x", "cheap": 1, "costly": expensive}

    assert prune("cheap", obj) == {"_class": "x", "cheap": 1}
    assert asked == []
    assert prune("costly", obj) == {"_class": "x", "costly": "value"}
    assert asked == ["costly"]


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ("jobs[name", "expected RBRACE at 9"),
        ("jobs[name]]", "expected EOF at 10"),
        ("jobs[]", "expected name at 5"),
        ("jobs,,name", "expected name at 5"),
        ("", "expected name at 0"),
        ("jobs{a,2}", "expected number at 5"),
        ("jobs{-1}", "expected number at 5"),
        ("jobs{1,2", "expected QRBRACE at 8"),
        ("jobs{1 ,2}", "expected number at 5"),
    ],
)
def test_it_refuses_malformed_trees(tree: str, message: str) -> None:
    with pytest.raises(TreeSyntaxError, match=message):
        parse_tree(tree)
