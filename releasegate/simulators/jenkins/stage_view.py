"""pipeline-stage-view's REST API (`wfapi/*`), as the simulator serves it.

Shapes from jenkinsci/pipeline-stage-view-plugin rest-api (RunExt, StageNodeExt,
PendingInputActionsExt, InputParameterDefExt, StatusExt). Its URLs are context-path
relative (`/jenkins/job/...`), not absolute: they come from request.getContextPath().
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from releasegate.simulators.jenkins.export import item_path, ms
from releasegate.simulators.jenkins.export_input import input_id
from releasegate.simulators.jenkins.export_parameters import DEFINITION_CLASSES
from releasegate.simulators.jenkins.model import SimBuild
from releasegate.simulators.jenkins.scenario import ParameterSpec
from releasegate.simulators.jenkins.state import World

Json = dict[str, Any]


class StageView:
    def __init__(self, world: World, root_url: str) -> None:
        self.world = world
        self.context_path = urlsplit(root_url).path or "/"

    def _base(self, build: SimBuild) -> str:
        return f"{self.context_path}{item_path(build.job.full_name)}{build.number}/"

    def pending_input_actions(self, build: SimBuild) -> list[Json]:
        spec = build.spec.input
        if spec is None or not build.waiting_for_input:
            return []
        base = self._base(build)
        identifier = input_id(spec)
        return [
            {
                "id": identifier,
                "proceedText": spec.ok,
                "message": spec.message,
                "inputs": [_input_definition(p) for p in spec.parameters],
                "proceedUrl": f"{base}wfapi/inputSubmit?inputId={identifier}",
                "abortUrl": f"{base}input/{identifier}/abort",
                "redirectApprovalUrl": f"{base}input/",
            }
        ]

    def describe(self, build: SimBuild) -> Json:
        now = self.world.clock.now()
        base = self._base(build)
        end = build.finished_at or now
        paused = build.paused_total + ((now - build.paused_since) if build.paused_since else 0)
        links: Json = {"self": {"href": f"{base}wfapi/describe"}}
        if build.waiting_for_input:
            links["pendingInputActions"] = {"href": f"{base}wfapi/pendingInputActions"}
        return {
            "_links": links,
            "id": str(build.number),
            "name": f"#{build.number}",
            "status": run_status(build),
            "startTimeMillis": ms(build.started_at),
            "endTimeMillis": ms(end),
            "durationMillis": ms(end - build.started_at),
            "queueDurationMillis": 0,
            "pauseDurationMillis": ms(paused),
            "stages": self._stages(build, base),
        }

    def _stages(self, build: SimBuild, base: str) -> list[Json]:
        stages = build.spec.stage_specs()
        length = build.spec.duration / max(len(stages), 1)
        described = []
        for index in range(build.current_stage + 1):
            node = str(6 + index * 4)
            described.append(
                {
                    "_links": {"self": {"href": f"{base}execution/node/{node}/wfapi/describe"}},
                    "id": node,
                    "name": stages[index].name,
                    "execNode": "",
                    "status": _stage_status(build, index),
                    "startTimeMillis": ms(build.started_at + index * length),
                    "durationMillis": ms(length),
                    "pauseDurationMillis": 0,
                }
            )
        return described


def _stage_status(build: SimBuild, index: int) -> str:
    if index != build.current_stage:
        return "SUCCESS"
    return run_status(build)


def run_status(build: SimBuild) -> str:
    """StatusExt for a run: paused on input, in progress, or its result mapped."""
    if build.waiting_for_input:
        return "PAUSED_PENDING_INPUT"
    if build.building:
        return "IN_PROGRESS"
    return {"FAILURE": "FAILED", "NOT_BUILT": "NOT_EXECUTED"}.get(
        build.result or "", build.result or ""
    )


def _input_definition(spec: ParameterSpec) -> Json:
    entry: Json = {
        "type": DEFINITION_CLASSES[spec.type].rsplit(".", 1)[-1],
        "name": spec.name,
        "description": spec.description,
        "definition": {},
    }
    # InputParameterDefExt: defaultVal only for Boolean, String, Password and Choice.
    if spec.type in ("boolean", "string", "password", "choice"):
        entry["definition"]["defaultVal"] = None if spec.type == "password" else spec.default
    if spec.type == "choice":
        entry["definition"]["choices"] = list(spec.choices)
    return entry
