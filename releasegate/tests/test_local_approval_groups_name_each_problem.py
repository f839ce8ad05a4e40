"""The `[local]` section (ReleaseGate's own approvals) is checked when the file is read:
each problem names the field it is about, and belongs to the `local` area."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasegate.config import load

VALID = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "https://jenkins.corp.internal/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "11aa22bb33cc",
}
GROUPS = """
[local]
expire_hours = 12

[[local.groups]]
project = "mall"
approvers = ["lisi", "wangwu"]
required = 2

[[local.groups]]
project = "mall"
application = "mall/order-service"
approvers = ["zhaoliu"]
"""


def read(tmp_path: Path, toml: str) -> dict[str, str]:
    path = tmp_path / "releasegate.toml"
    path.write_text(toml, encoding="utf-8")
    config = load({**VALID, "RELEASEGATE_CONFIG": str(path)})
    return {problem.setting: problem.message for problem in config.problems}


def test_groups_are_read_with_their_defaults(tmp_path: Path) -> None:
    path = tmp_path / "releasegate.toml"
    path.write_text(GROUPS, encoding="utf-8")

    config = load({**VALID, "RELEASEGATE_CONFIG": str(path)})

    assert config.problems == ()
    local = config.options.local
    assert local.enabled and local.expire_hours == 12
    assert [(g.project, g.application, g.approvers, g.required) for g in local.groups] == [
        ("mall", "", ["lisi", "wangwu"], 2),
        ("mall", "mall/order-service", ["zhaoliu"], 1),
    ]


def test_without_groups_they_are_off() -> None:
    assert not load(VALID).options.local.enabled


@pytest.mark.parametrize(
    ("group", "field", "said"),
    [
        (
            'project = "mall"\napprovers = ["lisi", "wangwu"]\nrequired = 3',
            "required",
            "between 1 and 2",
        ),
        ('project = "mall"\napprovers = ["lisi"]\nrequired = 0', "required", "between 1 and 1"),
        ('project = "mall"\napprovers = []', "approvers", "at least 1 item"),
        ('project = "mall"\napprovers = ["lisi", "lisi"]', "approvers", "named twice"),
        ('project = "mall"\napprovers = [" "]', "approvers", "login is empty"),
        ('project = "mall"', "approvers", "Field required"),
        ('project = "mall"\napprovers = ["lisi"]\nrequird = 1', "requird", "Extra inputs"),
    ],
    ids=["more than the approvers", "none", "no approvers", "twice", "blank", "missing", "typo"],
)
def test_a_wrong_field_of_a_group_is_named(
    tmp_path: Path, group: str, field: str, said: str
) -> None:
    found = read(tmp_path, f"[[local.groups]]\n{group}\n")

    assert list(found) == [f"releasegate.toml: local.groups.0.{field}"]
    assert said in found[f"releasegate.toml: local.groups.0.{field}"]


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ('[[local.groups]]\napprovers = ["lisi"]', "needs a project, an application, or both"),
        (
            '[[local.groups]]\nproject = "mall"\napplication = "payment/gateway"\n'
            'approvers = ["a"]',
            "'payment/gateway' is not in project 'mall'",
        ),
    ],
)
def test_a_group_that_covers_nothing_sensible_is_named(
    tmp_path: Path, toml: str, said: str
) -> None:
    found = read(tmp_path, toml)

    assert said in found["releasegate.toml: local.groups.0"]


def test_two_groups_for_the_same_project_are_named(tmp_path: Path) -> None:
    twice = '[[local.groups]]\nproject = "mall"\napprovers = ["a"]\n'

    found = read(tmp_path, twice + twice)

    assert "two groups for mall" in found["releasegate.toml: local"]


def test_a_negative_expiry_is_named(tmp_path: Path) -> None:
    found = read(tmp_path, "[local]\nexpire_hours = -1\n")

    assert "greater than or equal to 0" in found["releasegate.toml: local.expire_hours"]


def test_its_problems_are_the_local_areas(tmp_path: Path) -> None:
    path = tmp_path / "releasegate.toml"
    path.write_text("[local]\nexpire_hours = -1\n", encoding="utf-8")

    [problem] = load({**VALID, "RELEASEGATE_CONFIG": str(path)}).problems

    assert problem.area == "local"
