"""Whether build parameters fit what a job declares: known names, allowed choices,
booleans that are booleans, and a value wherever the job has no default.

Pure: the submit-time check of the approval form and the release engine (before it
triggers) ask the same question and must get the same answer. Messages are for the
tester who filled in the form: `Refusal`s about the parameter they name.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any, TypeVar

from django.utils.translation import gettext_noop

from releasegate.catalog.snapshot import CatalogApplication, CatalogParameter
from releasegate.config import FormMapping
from releasegate.releases.form import RequestedRelease
from releasegate.releases.refusals import PARAMETER, Listing, Phrase, Refusal

ParameterInput = str | bool | None
V = TypeVar("V")

# Jenkins computes these at build time (Active Choices' Groovy scripts, types we do not
# know), so any value may be right; a password's default exists but is never exported.
_UNCHECKED = frozenset({"active_choices", "opaque", "password"})
_BOOLEANS = ("true", "false")
# What a password parameter's value is shown as, in messages and on pages.
MASKED = "******"
_CHOICES_SHOWN = 10


def check_parameters(
    application: CatalogApplication, values: Mapping[str, ParameterInput]
) -> list[Refusal]:
    """Every problem with `values` (Jenkins parameter name -> value) for `application`,
    in the job's parameter order then unknown names by name; empty when they may be sent.

    An empty or None value means "not given": Jenkins then uses the job's default, so it
    is a problem only where the job has none.
    """
    problems = [
        problem
        for parameter in application.parameters
        if (problem := parameter_problem(parameter, values.get(parameter.name)))
    ]
    declared = {parameter.name for parameter in application.parameters}
    # By name: the same words in the same order however the values were stored (a
    # PostgreSQL JSON column keeps its keys in an order of its own).
    said = gettext_noop("Application %(application)s has no parameter %(name)s: clear the field")
    problems.extend(
        Refusal(
            said, field=PARAMETER, parameter=name, application=application.display_name, name=name
        )
        for name, value in sorted(values.items())
        if name not in declared and _given(value)
    )
    return problems


def requested_parameters(
    requested: RequestedRelease, application: CatalogApplication, mapping: FormMapping
) -> dict[str, str]:
    """The parameters a request sends to its job: the form fields the mapping names, each
    under the first of its names the job declares, plus the release type under
    `mapping.release_type_parameter` where the job declares it (a job without it just
    ignores the form's release type)."""
    parameters = {
        _declared_name(name, application, mapping): value
        for name, value in requested.parameters.items()
    }
    name = mapping.release_type_parameter
    if requested.release_type and application.parameter(name) is not None:
        parameters.setdefault(name, requested.release_type)
    return parameters


def _declared_name(name: str, application: CatalogApplication, mapping: FormMapping) -> str:
    if application.parameter(name) is not None:
        return name  # the usual case, and the first alternative anyway: skip the mapping
    alternatives = mapping.alternatives(name)
    return next((n for n in alternatives if application.parameter(n) is not None), name)


def parameter_problem(parameter: CatalogParameter, value: ParameterInput) -> Refusal | None:
    """What is wrong with `value` for `parameter`, or None when Jenkins will accept it."""
    if parameter.kind in _UNCHECKED:
        return None
    if not _given(value):
        if parameter.default is None:
            said = gettext_noop("Parameter %(described)s is required (the job has no default)")
            return _about(parameter, said)
        return None
    if parameter.kind == "boolean":
        if isinstance(value, bool) or str(value).strip().lower() in _BOOLEANS:
            return None
        said = gettext_noop("Parameter %(described)s can only be true or false, not %(value)s")
        return _about(parameter, said, value=repr(value))
    if isinstance(value, bool) or value is None:
        said = gettext_noop("Parameter %(described)s needs text, not %(value)s")
        return _about(parameter, said, value=repr(value))
    text = value.strip()
    # Git Parameter jobs list their choices only where the definition exports them
    # (the real plugin computes them from the repository), so an empty list means "any".
    listed = parameter.kind in ("choice", "git") and parameter.choices
    if listed and text not in parameter.choices:
        said = gettext_noop(
            "The value %(value)s of parameter %(described)s is not one of its choices "
            "(choices: %(choices)s)"
        )
        return _about(parameter, said, value=repr(text), choices=_listed(parameter.choices))
    return None


def _about(parameter: CatalogParameter, said: str, **values: object) -> Refusal:
    """A refusal about `parameter` (`%(described)s` in `said` names it)."""
    return Refusal(
        said, field=PARAMETER, parameter=parameter.name, described=describe(parameter), **values
    )


def describe(parameter: CatalogParameter) -> str:
    """The parameter's name, with its description when it has a short one."""
    description = parameter.description.strip()
    if description and len(description) <= 20 and "\n" not in description:
        return Phrase(
            gettext_noop("%(name)s (%(description)s)"), name=parameter.name, description=description
        )
    return parameter.name


def _given(value: ParameterInput) -> bool:
    return isinstance(value, bool) or bool(value and value.strip())


def _listed(choices: tuple[str, ...]) -> str:
    shown = Listing(choices[:_CHOICES_SHOWN])
    if len(choices) <= _CHOICES_SHOWN:
        return shown
    return Phrase(
        gettext_noop("%(shown)s and more, %(count)s in all"), shown=shown, count=len(choices)
    )


def password_names(declared: Iterable[Mapping[str, Any] | CatalogParameter]) -> frozenset[str]:
    """The names of the password parameters among a job's `declared` parameters (catalog
    rows' dicts or snapshot parameters)."""
    return frozenset(
        (p["name"] if isinstance(p, Mapping) else p.name)
        for p in declared
        if (p.get("kind") if isinstance(p, Mapping) else p.kind) == "password"
    )


def shown_parameters(values: Mapping[str, V], passwords: Collection[str]) -> dict[str, V | str]:
    """`values` to show a person: a password parameter's value masked, even when empty
    (whether one was given is not for the page to say either)."""
    return {name: MASKED if name in passwords else value for name, value in values.items()}


def password_fields(passwords: Collection[str], mapping: FormMapping) -> frozenset[str]:
    """The names a password's value may be shown under: the parameters themselves and the
    form labels whose field fills one of them."""
    labels = {
        label for label, names in mapping.parameter_names().items() if set(names) & set(passwords)
    }
    return frozenset(passwords) | labels


def shown_details(
    details: Mapping[str, Any], passwords: Collection[str], mapping: FormMapping
) -> dict[str, Any]:
    """A release event's `details` to show a person: the parameters it recorded (the
    frozen ones, when the release was scheduled) and the approval form it was received
    with, each password's value masked."""
    shown = dict(details)
    if not passwords:
        return shown
    hidden = password_fields(passwords, mapping)
    if isinstance(details.get("parameters"), Mapping):
        shown["parameters"] = shown_parameters(details["parameters"], hidden)
    if isinstance(details.get("form"), list):
        shown["form"] = [
            {**entry, "value": MASKED}
            if isinstance(entry, Mapping) and entry.get("name") in hidden
            else entry
            for entry in details["form"]
        ]
    return shown
