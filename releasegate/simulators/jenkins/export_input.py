"""The pipeline `input` step as a build's InputAction exports it.

Source: jenkinsci/pipeline-input-step-plugin (466+, which added the executions):
InputAction exports `displayName` ("Paused for Input" while an input waits, else null),
`executions` and `waitingForInput`, all at visibility 1. InputStepExecution is
@ExportedBean(defaultVisibility = 2) and exports only `id`, `input` and `settled`;
InputStep is @ExportedBean(defaultVisibility = 2) with `cancel`, `id`, `message`, `ok`,
`parameters`, `submitter`, `submitterParameter`. So a build's `depth=1` shows the action
and its executions' ids, `depth=2` the inputs themselves.

InputAction has no `getApi()`: its URL (`input/`) serves only the HTML page and
`getDynamic(id)`, so `input/api/json` is a 404 in Jenkins and here too.
"""

from __future__ import annotations

import hashlib
from typing import Any

from releasegate.simulators.jenkins.export_parameters import definition
from releasegate.simulators.jenkins.model import SimBuild
from releasegate.simulators.jenkins.scenario import InputSpec
from releasegate.simulators.jenkins.tree import VISIBILITY

Json = dict[str, Any]
INPUT_PACKAGE = "org.jenkinsci.plugins.workflow.support.steps.input"
INPUT_ACTION = f"{INPUT_PACKAGE}.InputAction"


def input_id(spec: InputSpec) -> str:
    """pipeline-input-step's rule: an explicit id with its first a-z letter upper-cased,
    otherwise the capitalised md5 of the message."""
    raw = spec.id or hashlib.md5(spec.message.encode(), usedforsecurity=False).hexdigest()
    return raw[0].upper() + raw[1:] if "a" <= raw[0] <= "z" else raw


def input_action(build: SimBuild, with_executions: bool) -> Json:
    """InputAction; an answered input's execution leaves it (postSettlement).
    `with_executions` is False for plugin versions before 466, which exported only
    `waitingForInput`."""
    spec = build.spec.input
    waiting = build.waiting_for_input
    action: Json = {"_class": INPUT_ACTION}
    if with_executions:
        action["displayName"] = "Paused for Input" if waiting else None
        executions = [_execution(spec)] if waiting and spec is not None else []
        action["executions"] = executions
    action["waitingForInput"] = waiting
    return action


def _execution(spec: InputSpec) -> Json:
    return {
        "_class": f"{INPUT_PACKAGE}.InputStepExecution",
        VISIBILITY: {"*": 2},
        "id": input_id(spec),
        "input": {
            "_class": f"{INPUT_PACKAGE}.InputStep",
            VISIBILITY: {"*": 2},
            "cancel": "Abort",
            "id": input_id(spec),
            "message": spec.message,
            "ok": spec.ok,
            "parameters": [definition(p) for p in spec.parameters],
            "submitter": spec.submitter or None,
            "submitterParameter": None,
        },
        "settled": False,
    }
