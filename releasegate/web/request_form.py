"""The "new release" page's form: the fields a chosen application needs, what the page
posted read back as a `ReleaseRequest`, and each refusal placed next to its field.

Parameters come from the job's definitions in the catalog. Only those the approval form
has a field for can be asked for (the approved form is all a release reads); the others
are shown with the default Jenkins will use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

from django.conf import settings
from django.http import QueryDict

from releasegate.catalog import snapshot
from releasegate.catalog.lookup import find_application, find_project
from releasegate.catalog.snapshot import CatalogApplication, CatalogParameter, CatalogProject
from releasegate.config import FormMapping
from releasegate.releases.refusals import GENERAL, PARAMETER, Refusal
from releasegate.releases.requests import ReleaseRequest

PARAMETER_PREFIX = "param-"


@dataclass(frozen=True)
class ParameterField:
    parameter: CatalogParameter
    # "select", "checkbox", "text", or "fixed" (the approval form cannot carry it).
    widget: str
    value: str | bool

    @property
    def input_name(self) -> str:
        return PARAMETER_PREFIX + self.parameter.name

    @property
    def shown_default(self) -> str:
        default = self.parameter.default
        if self.parameter.default_hidden or default is None:
            return ""
        return str(default).lower() if isinstance(default, bool) else str(default)


def project_value(project: CatalogProject) -> str:
    """What the page's project select sends: the key, or the name of the root project
    (whose key is empty, and an empty choice means "none chosen")."""
    return project.key or project.display_name


def chosen(values: Mapping[str, str]) -> tuple[CatalogProject | None, CatalogApplication | None]:
    catalog = snapshot.current()
    project_text = values.get("project", "")
    project = find_project(catalog, project_text) if project_text else None
    application_text = values.get("application", "")
    if project is None or not application_text:
        return project, None
    return project, find_application(catalog, application_text, project_text)


def parameter_fields(
    application: CatalogApplication, posted: QueryDict | None = None
) -> list[ParameterField]:
    mapping = _mapping()
    formed = {name for names in mapping.parameter_names().values() for name in names}
    return [
        _field(parameter, parameter.name in formed, posted)
        for parameter in application.parameters
        if parameter.name != mapping.release_type_parameter
    ]


def _field(parameter: CatalogParameter, formed: bool, posted: QueryDict | None) -> ParameterField:
    name = PARAMETER_PREFIX + parameter.name
    if not formed:
        return ParameterField(parameter, "fixed", "")
    if parameter.kind == "boolean":
        checked = (name in posted) if posted is not None else parameter.default is True
        return ParameterField(parameter, "checkbox", checked)
    default = "" if parameter.default_hidden or parameter.default is None else parameter.default
    value = posted.get(name, "") if posted is not None else str(default)
    widget = "select" if parameter.kind in ("choice", "git") and parameter.choices else "text"
    return ParameterField(parameter, widget, value)


def release_type_choices(application: CatalogApplication | None) -> tuple[str, ...]:
    """The release types the job accepts, when it declares the release-type parameter."""
    if application is None:
        return ()
    parameter = application.parameter(_mapping().release_type_parameter)
    return parameter.choices if parameter is not None else ()


def read_request(posted: QueryDict, application: CatalogApplication | None) -> ReleaseRequest:
    """The request the page posted, in the approval form's words."""
    fields = parameter_fields(application, posted) if application else []
    parameters = {
        field.parameter.name: _text(field.value) for field in fields if field.widget != "fixed"
    }
    return ReleaseRequest(
        project=posted.get("project", "").strip(),
        application=posted.get("application", "").strip(),
        release_type=posted.get("release_type", "").strip(),
        parameters=parameters,
        **read_when_and_database(posted),
    )


class WhenAndDatabase(TypedDict):
    release_time: str
    db_change: str
    db_change_done: str


def read_when_and_database(posted: QueryDict) -> WhenAndDatabase:
    """The request's release time and database-change answers, in the form's words (what
    a rollback's page asks too)."""
    mapping = _mapping()
    has_db_change = posted.get("db_change") == "yes"
    return WhenAndDatabase(
        release_time=posted.get("release_time", "").strip().replace("T", " "),
        db_change=mapping.yes_values[0] if has_db_change else mapping.no_values[0],
        db_change_done=_done(posted.get("db_change_done"), mapping) if has_db_change else "",
    )


def _done(answer: str | None, mapping: FormMapping) -> str:
    return mapping.yes_values[0] if answer == "yes" else mapping.no_values[0]


def _text(value: str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.strip()


def place_problems(problems: list[Refusal], parameter_names: list[str]) -> dict[str, list[str]]:
    """Each refusal, in the page's language, under the page field it is about (`GENERAL`
    for the whole request, and for a parameter the page does not show)."""
    placed: dict[str, list[str]] = {}
    for problem in problems:
        placed.setdefault(_field_of(problem, parameter_names), []).append(problem.shown())
    return placed


def _field_of(problem: Refusal, parameter_names: list[str]) -> str:
    if problem.field == PARAMETER:
        shown = problem.parameter in parameter_names
        return PARAMETER_PREFIX + problem.parameter if shown else GENERAL
    return problem.field


def _mapping() -> FormMapping:
    return settings.CONFIG.options.form
