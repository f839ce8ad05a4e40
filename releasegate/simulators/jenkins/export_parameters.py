"""The exported shapes of parameters and causes: definitions, values, ParametersAction,
CauseAction, each with the visibility its class gives it.

Visibilities from Jenkins core: ParametersDefinitionProperty is
@ExportedBean(defaultVisibility = 2); ParameterDefinition and ParameterValue are
@ExportedBean(defaultVisibility = 3), their values @Exported(visibility = 4) (e.g.
StringParameterValue.value); ParametersAction.parameters and CauseAction.causes are
@Exported(visibility = 2); Cause's fields @Exported(visibility = 3).
"""

from __future__ import annotations

from typing import Any

from releasegate.simulators.jenkins.model import SimValue
from releasegate.simulators.jenkins.scenario import ParameterSpec
from releasegate.simulators.jenkins.tree import VISIBILITY

Json = dict[str, Any]

DEFINITION_CLASSES = {
    "string": "hudson.model.StringParameterDefinition",
    "choice": "hudson.model.ChoiceParameterDefinition",
    "boolean": "hudson.model.BooleanParameterDefinition",
    "text": "hudson.model.TextParameterDefinition",
    "password": "hudson.model.PasswordParameterDefinition",
    "file": "hudson.model.FileParameterDefinition",
    "run": "hudson.model.RunParameterDefinition",
    "git": "net.uaznia.lukanus.hudson.plugins.gitparameter.GitParameterDefinition",
    "active_choices": "org.biouno.unochoice.ChoiceParameter",
}
VALUE_CLASSES = {
    "string": "hudson.model.StringParameterValue",
    "choice": "hudson.model.StringParameterValue",
    "boolean": "hudson.model.BooleanParameterValue",
    "text": "hudson.model.TextParameterValue",
    "password": "hudson.model.PasswordParameterValue",
    "file": "hudson.model.FileParameterValue",
    "run": "hudson.model.RunParameterValue",
    "git": "net.uaznia.lukanus.hudson.plugins.gitparameter.GitParameterValue",
    "active_choices": "hudson.model.StringParameterValue",
}
DEFINITION_VISIBILITY = {"*": 3}
VALUE_VISIBILITY = {"*": 3, "value": 4}
CAUSE_VISIBILITY = {"*": 3}


def definitions_property(parameters: list[ParameterSpec]) -> Json:
    return {
        "_class": "hudson.model.ParametersDefinitionProperty",
        VISIBILITY: {"*": 2},
        "parameterDefinitions": [definition(p) for p in parameters],
    }


def definition(spec: ParameterSpec) -> Json:
    export: Json = {
        "_class": DEFINITION_CLASSES[spec.type],
        VISIBILITY: DEFINITION_VISIBILITY,
        "defaultParameterValue": default_value(spec),
        "description": spec.description or None,
        "name": spec.name,
        "type": DEFINITION_CLASSES[spec.type].rsplit(".", 1)[-1],
    }
    if spec.type == "choice":
        export["choices"] = list(spec.choices)
    if spec.type == "git":
        # GitParameterDefinition.getType() shadows ParameterDefinition's exported `type`;
        # its values are listed live (git ls-remote), never as `choices`.
        export["type"] = "PT_BRANCH_TAG"
        export["allValueItems"] = lambda: {
            "values": [{"name": value, "value": value} for value in spec.choices],
            "errors": [],
        }
    return export


def default_value(spec: ParameterSpec) -> Json | None:
    if spec.type in ("file", "run", "active_choices"):
        return None
    return value_export(spec, spec.default)


def value_export(spec: ParameterSpec, value: SimValue) -> Json:
    export: Json = {"_class": VALUE_CLASSES[spec.type], VISIBILITY: VALUE_VISIBILITY}
    export["name"] = spec.name
    # PasswordParameterValue keeps its value in a private Secret with no @Exported.
    if spec.type != "password":
        export["value"] = value
    return export


def parameters_action(parameters: list[tuple[ParameterSpec, SimValue]]) -> Json:
    return {
        "_class": "hudson.model.ParametersAction",
        VISIBILITY: {"parameters": 2},
        "parameters": [value_export(spec, value) for spec, value in parameters],
    }


def cause_action(causes: list[dict[str, str]]) -> Json:
    return {
        "_class": "hudson.model.CauseAction",
        VISIBILITY: {"causes": 2},
        "causes": [{**cause, VISIBILITY: CAUSE_VISIBILITY} for cause in causes],
    }
