"""Finding an application from what a person chose in a form.

Form controls carry what DingTalk shows: the option's readable value, sometimes with the
option id beside it. We accept the full job name ("mall/order-service"), the readable
name ("订单服务"), and the connector's "订单服务 (mall/order-service)" label, always within
the chosen project when one is given.
"""

from __future__ import annotations

import re

from releasegate.catalog.snapshot import (
    CatalogApplication,
    CatalogParameter,
    CatalogProject,
    CatalogSnapshot,
)

_LABELLED = re.compile(r"^(?P<name>.*)\((?P<key>[^()]+)\)\s*$")


def option_label(display_name: str, key: str) -> str:
    """The label a form option shows: the readable name, with the key when it differs
    (the root project has no key: just its name)."""
    return display_name if display_name == key or not key else f"{display_name} ({key})"


def project_option(project: CatalogProject) -> tuple[str, str]:
    """A project as every form offers it: (key, label). Jobs outside any folder form a
    project whose key is ""; forms need a non-empty key, and the readable name finds that
    project again."""
    return project.key or project.display_name, option_label(project.display_name, project.key)


def application_option(application: CatalogApplication) -> tuple[str, str]:
    """An application as every form offers it: (full job name, label)."""
    return application.full_name, option_label(application.display_name, application.full_name)


def _candidates(text: str) -> list[str]:
    text = text.strip()
    labelled = _LABELLED.match(text)
    keys = [text]
    if labelled:
        keys = [labelled.group("key").strip(), labelled.group("name").strip(), text]
    return [key for key in keys if key]


def find_project(catalog: CatalogSnapshot, text: str) -> CatalogProject | None:
    """The project chosen as `text`: its key, its readable name or its label."""
    for candidate in _candidates(text):
        project = catalog.projects_by_key.get(candidate)
        if project is not None:
            return project
        named = [p for p in catalog.projects if p.display_name == candidate]
        if len(named) == 1:
            return named[0]
    return None


def find_application(
    catalog: CatalogSnapshot, application_text: str, project_text: str = ""
) -> CatalogApplication | None:
    """The offered application chosen as `application_text` (in `project_text`, when
    given). None when nothing, or more than one application, matches."""
    project = find_project(catalog, project_text) if project_text.strip() else None
    if project_text.strip() and project is None:
        return None
    pool = project.applications if project else tuple(catalog.applications)
    for candidate in _candidates(application_text):
        by_name = catalog.applications_by_name.get(candidate)
        if by_name is not None and (project is None or by_name.project_key == project.key):
            return by_name
        named = [app for app in pool if app.display_name == candidate]
        if len(named) == 1:
            return named[0]
    return None


# Parameter kinds whose definition lists every value Jenkins accepts.
_LISTED = frozenset({"choice", "git"})


def parameter_values(parameter: CatalogParameter) -> tuple[str, ...]:
    """The values a select may offer for `parameter`: its listed choices, true/false for a
    boolean, nothing where Jenkins accepts free text or computes them at build time."""
    if parameter.kind == "boolean":
        return ("true", "false")
    if parameter.kind in _LISTED:
        return parameter.choices
    return ()
