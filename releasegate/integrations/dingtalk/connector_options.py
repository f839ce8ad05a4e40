"""The answers of the connector's option actions, built from the catalog snapshot.

Every option list has one shape, so each maps onto a select control the same way:
`ids` onto 控件.选项列表.ID列表 and `values` onto 控件.选项列表.值列表 (DingTalk's form
designer, docs/dingtalk-setup.md), and `options` pairs them for readers and tools:

    {"ids": ["mall"], "values": ["商城 (mall)"],
     "options": [{"id": "mall", "value": "商城 (mall)"}]}

Values are `option_label`s, so whatever the form hands back (the id or the value) is
found again by `releasegate.catalog.lookup`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from releasegate.catalog.lookup import application_option, parameter_values, project_option
from releasegate.catalog.snapshot import (
    CatalogApplication,
    CatalogParameter,
    CatalogProject,
    CatalogSnapshot,
)
from releasegate.config import FormMapping
from releasegate.integrations.jenkins.models import value_as_text
from releasegate.releases.parameters import parameter_problem


def option_list(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """`ids`, `values` and `options` for (id, value) pairs, in their order."""
    pairs = list(pairs)
    return {
        "ids": [option_id for option_id, _ in pairs],
        "values": [value for _, value in pairs],
        "options": [{"id": option_id, "value": value} for option_id, value in pairs],
    }


def projects_answer(catalog: CatalogSnapshot) -> dict[str, Any]:
    return option_list(project_option(project) for project in catalog.projects)


def applications_answer(project: CatalogProject | None, asked: str) -> dict[str, Any]:
    """The applications of `project`; an empty list (and why, when something was asked)
    when there is none, so the form's second select is cleared rather than left stale."""
    if project is None:
        message = f"项目 {asked} 不存在或未开放发布" if asked.strip() else ""
        return {"project": None, **option_list(()), "message": message}
    return {
        "project": dict(zip(("id", "value"), project_option(project), strict=True)),
        **option_list(application_option(app) for app in project.applications),
        "message": "",
    }


def parameters_answer(
    application: CatalogApplication | None, asked: str, mapping: FormMapping
) -> dict[str, Any]:
    """Each parameter of the job, and `choices` keyed by Jenkins parameter name for the
    select controls. The parameters the form mapping names (and the release type's) are
    always present, with empty lists where the job lacks them or lists no values, so the
    connector's declared output always matches."""
    fields = mapping.parameter_names()
    fields.setdefault(mapping.release_type, (mapping.release_type_parameter,))
    # The connector's output mapping binds each control to its field's first name; a job
    # that calls the parameter by one of the alternatives answers under that first name.
    first_name = {name: names[0] for names in fields.values() for name in names}
    labels = {name: label for label, names in fields.items() for name in names}
    choices: dict[str, dict[str, Any]] = {names[0]: option_list(()) for names in fields.values()}
    if application is None:
        message = f"应用 {asked} 不存在或未开放发布" if asked.strip() else ""
        return {"application": None, "parameters": [], "choices": choices, "message": message}
    for parameter in application.parameters:
        values = parameter_values(parameter)
        if values or parameter.name in first_name:
            key = first_name.get(parameter.name, parameter.name)
            choices[key] = option_list((value, value) for value in values)
    return {
        "application": dict(zip(("id", "value"), application_option(application), strict=True)),
        "parameters": [_described(p, labels.get(p.name, "")) for p in application.parameters],
        "choices": choices,
        "message": "",
    }


def _described(parameter: CatalogParameter, form_field: str) -> dict[str, Any]:
    # Defaults travel as text, like the values Jenkins receives ("true"/"false" for a
    # boolean): a connector's output schema declares one type per field.
    return {
        "name": parameter.name,
        "kind": parameter.kind,
        "description": parameter.description,
        "default": value_as_text(parameter.default),
        "required": parameter_problem(parameter, None) is not None,
        "choices": list(parameter_values(parameter)),
        "form_field": form_field,
    }
