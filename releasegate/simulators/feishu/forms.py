"""A person filling in the release form in the Feishu client, for the control API and its
page: opening it asks ReleaseGate for the projects, choosing a project asks for its
applications (options.py), and submitting starts an instance as create-instance would,
with the same checks. Values are keyed by a widget's name or custom id; a radio takes an
option's id or its text."""

from __future__ import annotations

import json
from typing import Any

from releasegate.simulators.feishu.approvals.definition import parse_form
from releasegate.simulators.feishu.options import OptionsFailure
from releasegate.simulators.feishu.settings import (
    APPLICATIONS_SOURCE,
    PROJECTS_SOURCE,
    Person,
    Widget,
)
from releasegate.simulators.feishu.state import World
from releasegate.simulators.feishu.wire import ApiFailure


class FormRefused(Exception):
    """What the person is told instead of the form going through."""


def options_for(
    world: World, widget: Widget, person: Person, project: str = ""
) -> list[tuple[str, str]]:
    """The (id, text) choices `widget` shows `person`: ReleaseGate's when an options URL is
    set (the applications of `project`), its fixed options otherwise. Raises FormRefused
    when ReleaseGate does not answer with options."""
    if not widget.source or world.options.url is None:
        return [(o.key, o.text) for o in widget.options]
    linkage = {"project": project} if widget.source == APPLICATIONS_SOURCE else None
    try:
        found = world.options.fetch(widget.source, person, linkage)
    except OptionsFailure as failure:
        raise FormRefused(f"{widget.name}: {failure}") from None
    with world.lock:
        world.option_texts.update(found)
    return found


def submit(world: World, person: Person, values: dict[str, str]) -> str:
    """Start an instance from the filled form; its code. Raises FormRefused."""
    items: list[dict[str, Any]] = []
    project = ""
    for widget in world.settings.form:
        given = values.get(widget.name, values.get(widget.custom_id))
        if given is None or given == "":
            continue
        value = given
        if widget.type == "radioV2":
            value = _choice(world, widget, person, given, project)
        if widget.source == PROJECTS_SOURCE:
            project = value
        items.append({"id": widget.id, "type": widget.type, "value": value})
    with world.lock:
        try:
            form = parse_form(world.settings, json.dumps(items), world.option_texts)
        except ApiFailure as failure:
            raise FormRefused(json.loads(failure.response.body)["msg"]) from None
        return world.start_instance(person, form, "").instance_code


def _choice(world: World, widget: Widget, person: Person, given: str, project: str) -> str:
    choices = options_for(world, widget, person, project)
    for option_id, text in choices:
        if given in (option_id, text):
            return option_id
    offered = ", ".join(f"{text} ({option_id})" for option_id, text in choices)
    raise FormRefused(f"{widget.name}: {given!r} is not one of the options: {offered}")
