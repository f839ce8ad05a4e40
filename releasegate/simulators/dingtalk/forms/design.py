"""The release form's connector bindings, as docs/dingtalk-setup.md section 4 sets them up
in DingTalk's form designer, and the outputs each action declares.

- 新建表单加载时: `projects`; `ids`/`values` fill 项目名称's option lists.
- 控件值发生变化时 on 项目名称: `applications` (`project` ← 项目名称) fills 应用名称.
- 控件值发生变化时 on 应用名称: `parameters` (`application` ← 应用名称, `project` ←
  项目名称); `choices.BRANCH` fills 分支或标签, `choices.ENV` 环境, `choices.RELEASE_TYPE`
  发布类型.
- 表单提交时验证: `validate`, each role from its control; `valid` is 校验结果 and
  `message` 校验错误信息.
- The connector node after the last approver: `approved` with `instance_id` and the form.

Only a select (单选框) has option lists to fill: an output bound to a control of another
type (the simulator's 分支或标签 is a 单行输入框, as the guide advises for Git Parameter
jobs) is left out, as the designer would not offer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from releasegate.simulators.dingtalk.forms.connector_calls import Action, ShapeCheck

SELECT_TYPES = frozenset({"DDSelectField", "DDMultiSelectField"})


@dataclass(frozen=True)
class OptionsBinding:
    """An action whose output fills select controls: `inputs` maps each action input to
    the control whose value it takes; `outputs` maps a control to the dotted path of its
    option list in the answer ("" for the top level)."""

    action: Action
    inputs: dict[str, str]
    outputs: dict[str, str]


ON_LOAD = OptionsBinding("projects", {}, {"项目名称": ""})
ON_CHANGE: dict[str, OptionsBinding] = {
    "项目名称": OptionsBinding("applications", {"project": "项目名称"}, {"应用名称": ""}),
    "应用名称": OptionsBinding(
        "parameters",
        {"application": "应用名称", "project": "项目名称"},
        {
            "分支或标签": "choices.BRANCH",
            "环境": "choices.ENV",
            "发布类型": "choices.RELEASE_TYPE",
        },
    ),
}
# The validate action's inputs: role -> control (`parameters.X` fills the parameter map).
ON_SUBMIT: dict[str, str] = {
    "project": "项目名称",
    "application": "应用名称",
    "release_type": "发布类型",
    "release_time": "发布时间",
    "db_change": "是否有数据库变更",
    "db_change_done": "数据库变更是否完成",
    "parameters.BRANCH": "分支或标签",
    "parameters.ENV": "环境",
}
# Selects whose options are typed into the designer rather than loaded.
FIXED_OPTIONS: dict[str, tuple[str, ...]] = {
    "是否有数据库变更": ("是", "否"),
    "数据库变更是否完成": ("是", "否"),
}


class _Declared(BaseModel):
    # The platform reads the declared fields and ignores the rest of an answer.
    model_config = ConfigDict(strict=True, extra="ignore")


class OptionList(_Declared):
    ids: list[str]
    values: list[str]

    @model_validator(mode="after")
    def _paired(self) -> OptionList:
        if len(self.ids) != len(self.values):
            raise ValueError("ids and values differ in length")
        return self

    def pairs(self) -> list[tuple[str, str]]:
        return list(zip(self.ids, self.values, strict=True))


class ValidationAnswer(_Declared):
    valid: bool
    message: str = ""


def option_list_at(answer: Any, path: str) -> OptionList:
    """The option list at `path` in `answer`; `ValueError` says why there is none."""
    found = answer
    for part in [p for p in path.split(".") if p]:
        if not isinstance(found, dict) or part not in found:
            raise ValueError(f"{path} is missing")
        found = found[part]
    try:
        return OptionList.model_validate(found)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in (path, *first["loc"]) if part != "")
        raise ValueError(f"{where or 'answer'}: {first['msg']}") from None


def options_check(binding: OptionsBinding) -> ShapeCheck:
    """The shape check for `binding`'s action: every bound option list is there."""

    def check(answer: Any) -> str | None:
        for path in binding.outputs.values():
            try:
                option_list_at(answer, path)
            except ValueError as exc:
                return f"the answer does not fit the declared output: {exc}"
        return None

    return check


def validation_check(answer: Any) -> str | None:
    try:
        ValidationAnswer.model_validate(answer)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "answer"
        return f"the answer does not fit the declared output: {where}: {first['msg']}"
    return None


def node_check(answer: Any) -> str | None:
    """The node's declared output (`accepted`, `instance_id`) drives nothing here; any
    JSON object is an answer."""
    if not isinstance(answer, dict):
        return "the answer does not fit the declared output: not a JSON object"
    return None


def submission_body(values: dict[str, str]) -> dict[str, Any]:
    """The validate action's body from the controls' values by label."""
    body: dict[str, Any] = {"parameters": {}}
    for role, label in ON_SUBMIT.items():
        if label not in values:
            continue
        group, _, name = role.partition(".")
        if name:
            body[group][name] = values[label]
        else:
            body[role] = values[label]
    body.setdefault("project", "")
    body.setdefault("application", "")
    return body
