"""The JSON shapes Jenkins exports for its objects, as the simulator serves them.

Shapes follow Jenkins core (Hudson, Job, Run, Queue.Item and the ParameterDefinition
family), workflow-job, pipeline-input-step and the Git Parameter plugin; comments name
the source where a shape is not obvious. Costly fields are lambdas so `tree=` only pays
for what it asks (see tree.py).
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from releasegate.simulators.jenkins.model import (
    SimBuild,
    SimFolder,
    SimJob,
    SimQueueItem,
    SimValue,
)
from releasegate.simulators.jenkins.scenario import InputSpec, ParameterSpec
from releasegate.simulators.jenkins.state import World
from releasegate.simulators.jenkins.tree import SUMMARY

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
FOLDER_CLASSES = {
    "folder": "com.cloudbees.hudson.plugins.folder.Folder",
    "multibranch": "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject",
    "organization": "jenkins.branch.OrganizationFolder",
}
JOB_CLASSES = {
    "pipeline": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
    "freestyle": "hudson.model.FreeStyleProject",
}
BUILD_CLASSES = {
    "pipeline": "org.jenkinsci.plugins.workflow.job.WorkflowRun",
    "freestyle": "hudson.model.FreeStyleBuild",
}
RESULT_COLORS = {
    "SUCCESS": "blue",
    "UNSTABLE": "yellow",
    "FAILURE": "red",
    "NOT_BUILT": "nobuilt",  # sic: BallColor spells it "nobuilt"
    "ABORTED": "aborted",
}
QUEUE_CLASSES = {
    "waiting": "hudson.model.Queue$WaitingItem",
    "blocked": "hudson.model.Queue$BlockedItem",
    "buildable": "hudson.model.Queue$BuildableItem",
    "left": "hudson.model.Queue$LeftItem",
}
INPUT_ACTION = "org.jenkinsci.plugins.workflow.support.steps.input.InputAction"


def ms(seconds: float) -> int:
    return int(seconds * 1000)


def item_path(full_name: str) -> str:
    return "".join(f"job/{quote(segment, safe='')}/" for segment in full_name.split("/"))


def input_id(spec: InputSpec) -> str:
    """pipeline-input-step's rule: an explicit id with its first a-z letter upper-cased,
    otherwise the capitalised md5 of the message."""
    raw = spec.id or hashlib.md5(spec.message.encode(), usedforsecurity=False).hexdigest()
    return raw[0].upper() + raw[1:] if "a" <= raw[0] <= "z" else raw


class Exporter:
    def __init__(self, world: World, root_url: str) -> None:
        self.world = world
        self.root = root_url.rstrip("/") + "/"

    # -- items --------------------------------------------------------------------

    def root_object(self) -> Json:
        scenario = self.world.scenario
        return {
            "_class": "hudson.model.Hudson",
            "assignedLabels": [{"name": "built-in"}],
            "mode": "NORMAL",
            "nodeDescription": "the Jenkins controller's built-in node",
            "nodeName": "",
            "numExecutors": scenario.executors,
            "description": None,
            "jobs": lambda: [self.item(child) for child in self.world.root.values()],
            "overallLoad": {},
            "primaryView": {"_class": "hudson.model.AllView", "name": "all", "url": self.root},
            "quietingDown": False,
            "slaveAgentPort": 50000,
            "unlabeledLoad": {"_class": "jenkins.model.UnlabeledLoadStatistics"},
            "url": self.root,
            "useCrumbs": scenario.csrf,
            "useSecurity": True,
            "views": [{"_class": "hudson.model.AllView", "name": "all", "url": self.root}],
        }

    def item(self, item: SimFolder | SimJob) -> Json:
        return self.folder(item) if isinstance(item, SimFolder) else self.job(item)

    def _item_common(self, full_name: str, display_name: str, description: str) -> Json:
        name = full_name.rsplit("/", 1)[-1]
        return {
            "description": description,
            "displayName": display_name,
            "displayNameOrNull": display_name if display_name != name else None,
            "fullDisplayName": " » ".join(self._display_names(full_name)),
            "fullName": full_name,
            "name": name,
            "url": self.root + item_path(full_name),
        }

    def _display_names(self, full_name: str) -> list[str]:
        parts = full_name.split("/")
        names = []
        for depth in range(1, len(parts) + 1):
            item = self.world.items.get("/".join(parts[:depth]))
            if isinstance(item, SimJob):
                names.append(item.spec.display_name or item.name)
            else:
                names.append(item.display_name if item else parts[depth - 1])
        return names

    def folder(self, folder: SimFolder) -> Json:
        return {
            "_class": FOLDER_CLASSES[folder.kind],
            SUMMARY: ("name", "url"),
            "actions": [{}, {"_class": "com.cloudbees.plugins.credentials.ViewCredentialsAction"}],
            **self._item_common(folder.full_name, folder.display_name, folder.description),
            "healthReport": [],
            "jobs": lambda: [self.item(child) for child in folder.children.values()],
            "primaryView": {"_class": "hudson.model.AllView", "name": "All"},
            "views": [{"_class": "hudson.model.AllView", "name": "All"}],
        }

    def job(self, job: SimJob) -> Json:
        spec = job.spec
        definitions = self._definitions_property(job)
        item = self.world.queue_item_for(job)
        completed = job.completed
        export: Json = {
            "_class": JOB_CLASSES[spec.kind],
            SUMMARY: ("name", "url", "color"),
            "actions": lambda: [{}, *([definitions()] if definitions else []), {}],
            **self._item_common(job.full_name, spec.display_name or job.name, spec.description),
            "buildable": not spec.disabled,
            "builds": lambda: [self.build(b) for b in reversed(job.builds[-100:])],
            "color": self.color(job),
            "firstBuild": lambda: self.build(job.builds[0]) if job.builds else None,
            "healthReport": [],
            "inQueue": item is not None,
            "keepDependencies": False,
            "lastBuild": lambda: self.build(job.builds[-1]) if job.builds else None,
            "lastCompletedBuild": lambda: self.build(completed[-1]) if completed else None,
            "nextBuildNumber": job.next_build_number,
            "property": lambda: [definitions()] if definitions else [],
            "queueItem": lambda: self.queue_item(item) if item else None,
            "concurrentBuild": spec.concurrent,
            "disabled": spec.disabled,
        }
        for permalink, results in (
            ("lastSuccessfulBuild", {"SUCCESS", "UNSTABLE"}),
            ("lastFailedBuild", {"FAILURE"}),
            ("lastStableBuild", {"SUCCESS"}),
            ("lastUnstableBuild", {"UNSTABLE"}),
            ("lastUnsuccessfulBuild", {"UNSTABLE", "FAILURE", "ABORTED", "NOT_BUILT"}),
        ):
            matching = [b for b in completed if b.result in results]
            export[permalink] = self.build(matching[-1]) if matching else None
        if spec.kind == "pipeline":
            export["resumeBlocked"] = False
        else:
            export["scm"] = {"_class": "hudson.scm.NullSCM"}
            export["downstreamProjects"] = []
            export["upstreamProjects"] = []
            export["labelExpression"] = None
        return export

    def _definitions_property(self, job: SimJob) -> Any:
        if not job.spec.parameters:
            return None
        return lambda: {
            "_class": "hudson.model.ParametersDefinitionProperty",
            "parameterDefinitions": [definition(p) for p in job.spec.parameters],
        }

    def color(self, job: SimJob) -> str:
        if job.spec.disabled:
            return "disabled"
        completed = job.completed
        color = RESULT_COLORS[completed[-1].result or "NOT_BUILT"] if completed else "nobuilt"
        return color + "_anime" if job.running else color

    def estimated_duration(self, job: SimJob) -> int:
        """Job.getEstimatedDuration: the mean of up to three recent successful (or
        unstable) builds, topped up with failed ones; -1 without history."""
        recent = job.completed[::-1][:6]
        good = [b for b in recent if b.result in ("SUCCESS", "UNSTABLE")]
        fallback = [b for b in recent if b.result == "FAILURE"]
        candidates = (good + fallback)[:3]
        if not candidates:
            return -1
        now = self.world.clock.now()
        return ms(sum(b.duration(now) for b in candidates) / len(candidates))

    # -- builds -------------------------------------------------------------------

    def build(self, build: SimBuild) -> Json:
        job = build.job
        now = self.world.clock.now()
        display = " » ".join(self._display_names(job.full_name))
        return {
            "_class": BUILD_CLASSES[build.spec.kind],
            SUMMARY: ("number", "url"),
            "actions": lambda: self._build_actions(build),
            "artifacts": [],
            "building": build.building,
            "description": None,
            "displayName": f"#{build.number}",
            "duration": 0 if build.building else ms(build.duration(now)),
            "estimatedDuration": self.estimated_duration(job),
            "executor": {"_class": "hudson.model.OneOffExecutor"} if build.building else None,
            "fullDisplayName": f"{display} #{build.number}",
            "id": str(build.number),
            "keepLog": False,
            "number": build.number,
            "queueId": build.queue_id,
            "result": build.result,
            "timestamp": ms(build.started_at),
            "url": f"{self.root}{item_path(job.full_name)}{build.number}/",
            "inProgress": build.building,
            "changeSets": [],
            "culprits": [],
        }

    def _build_actions(self, build: SimBuild) -> list[Json]:
        actions: list[Json] = [{"_class": "hudson.model.CauseAction", "causes": build.causes}]
        if build.parameters is not None:
            actions.insert(0, parameters_action(build.parameters))
        actions.append({})
        if build.spec.kind == "pipeline":
            actions.append({"_class": "org.jenkinsci.plugins.workflow.job.views.FlowGraphAction"})
            if build.input_state != "none":
                actions.append(self._input_action(build))
        return actions

    def _input_action(self, build: SimBuild) -> Json:
        """InputAction; an answered input's execution leaves it (postSettlement)."""
        spec = build.spec.input
        action: Json = {
            "_class": INPUT_ACTION,
            SUMMARY: (),
            "waitingForInput": build.waiting_for_input,
        }
        if self.world.scenario.input_executions and spec is not None:
            action["executions"] = [self._input_execution(spec)] if build.waiting_for_input else []
        return action

    def _input_execution(self, spec: InputSpec) -> Json:
        return {
            "_class": "org.jenkinsci.plugins.workflow.support.steps.input.InputStepExecution",
            SUMMARY: ("id",),
            "id": input_id(spec),
            "displayName": spec.message,
            "settled": False,
            "input": {
                "_class": "org.jenkinsci.plugins.workflow.support.steps.input.InputStep",
                "id": input_id(spec),
                "message": spec.message,
                "ok": spec.ok,
                "cancel": "Abort",
                "submitter": spec.submitter or None,
                "submitterParameter": None,
                "parameters": [definition(p) for p in spec.parameters],
            },
        }

    # -- queue --------------------------------------------------------------------

    def queue_item(self, item: SimQueueItem) -> Json:
        export: Json = {
            "_class": QUEUE_CLASSES[item.state],
            "actions": self._queue_actions(item),
            "blocked": item.state == "blocked",
            "buildable": item.state == "buildable",
            "id": item.id,
            "inQueueSince": ms(item.in_queue_since),
            "params": "".join(
                f"\n{spec.name}={_text(value)}" for spec, value in item.parameters or []
            ),
            "stuck": False,
            "task": self.job(item.job),
            "url": f"queue/item/{item.id}/",
            "why": item.why,
        }
        if item.state == "waiting":
            export["timestamp"] = ms(item.due)
            remaining = max(item.due - self.world.clock.now(), 0)
            export["why"] = f"In the quiet period. Expires in {remaining:.1f} sec"
        elif item.state in ("blocked", "buildable"):
            export["buildableStartMilliseconds"] = ms(item.buildable_since or item.due)
            if item.state == "buildable":
                export["pending"] = False
        else:
            export["cancelled"] = item.cancelled
            export["executable"] = (
                {
                    "_class": BUILD_CLASSES[item.build.spec.kind],
                    "number": item.build.number,
                    "url": f"{self.root}{item_path(item.job.full_name)}{item.build.number}/",
                }
                if item.build
                else None
            )
        return export

    def _queue_actions(self, item: SimQueueItem) -> list[Json]:
        actions: list[Json] = [{"_class": "hudson.model.CauseAction", "causes": item.causes}]
        if item.parameters is not None:
            actions.insert(0, parameters_action(item.parameters))
        return actions

    def queue(self) -> Json:
        live = sorted((i for i in self.world.queue.values() if i.live), key=lambda i: i.id)
        return {
            "_class": "hudson.model.Queue",
            "discoverableItems": [],
            "items": [self.queue_item(item) for item in live],
        }


def definition(spec: ParameterSpec) -> Json:
    export: Json = {
        "_class": DEFINITION_CLASSES[spec.type],
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
    export: Json = {"_class": VALUE_CLASSES[spec.type], "name": spec.name}
    # PasswordParameterValue keeps its value in a private Secret with no @Exported.
    if spec.type != "password":
        export["value"] = value
    return export


def parameters_action(parameters: list[tuple[ParameterSpec, SimValue]]) -> Json:
    return {
        "_class": "hudson.model.ParametersAction",
        "parameters": [value_export(spec, value) for spec, value in parameters],
    }


def _text(value: SimValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def console_bytes(build: SimBuild) -> bytes:
    return "".join(line + "\n" for line in build.console).encode("utf-8")
