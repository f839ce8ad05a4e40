"""The simulator's release form is bound to the connector exactly as the setup guide tells
an administrator to bind the real one (sections 3 and 4): otherwise the demo and the tests
would prove a form nobody can build."""

from __future__ import annotations

import re

from django.conf import settings

from releasegate.simulators.dingtalk.forms.design import ON_CHANGE, ON_LOAD, ON_SUBMIT

GUIDE = (settings.BASE_DIR.parent / "docs" / "dingtalk-setup.md").read_text(encoding="utf-8")
# "`ids` → 项目名称.…", "`choices.BRANCH.ids` / `.values` → 分支或标签 …", "`choices.ENV.*` → 环境"
_OPTION_OUTPUT = re.compile(r"`(?:([\w.]+)\.)?(?:ids|\*)`[^→;]*→ ([^\s.;]+)")
_INPUT = re.compile(r"`(\w+)` ← ([^\s;,]+)")


def section(title: str) -> str:
    start = GUIDE.index(title)
    return GUIDE[start : GUIDE.index("\n## ", start + 1)]


def binding_rows() -> dict[str, tuple[str, str, str]]:
    """Action -> (trigger, inputs, outputs), from the table of section 4."""
    rows = {}
    for line in section("## 4. Binding the actions to the form").splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 4 and cells[1] in ("projects", "applications", "parameters"):
            rows[cells[1]] = (cells[0], cells[2], cells[3])
    return rows


def test_the_form_loads_projects_into_the_control_the_guide_names() -> None:
    trigger, inputs, outputs = binding_rows()["projects"]

    assert trigger == "新建表单加载时"
    assert inputs == "none" and ON_LOAD.inputs == {}
    found = {control: path or "" for path, control in _OPTION_OUTPUT.findall(outputs)}
    assert found == ON_LOAD.outputs


def test_each_control_change_calls_the_action_the_guide_binds_to_it() -> None:
    rows = binding_rows()
    for control, binding in ON_CHANGE.items():
        trigger, inputs, outputs = rows[binding.action]

        assert trigger == f"控件值发生变化时, on {control}"
        assert dict(_INPUT.findall(inputs)) == binding.inputs
        found = {target: path or "" for path, target in _OPTION_OUTPUT.findall(outputs)}
        assert found == binding.outputs


def test_the_submit_check_takes_each_field_from_the_control_the_guide_names() -> None:
    table = section("### validate: `POST /dingtalk/connector/validate`")
    documented: dict[str, str] = {}
    for role, maps_from in re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|$", table, re.MULTILINE):
        pairs = _INPUT.findall(maps_from)
        if pairs:
            documented |= {f"{role}.{name}": label for name, label in pairs}
        else:
            documented[role] = maps_from.strip()

    assert documented == ON_SUBMIT
