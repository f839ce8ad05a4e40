"""The JSON shapes Jenkins exports for its objects, as the simulator serves them.

Shapes follow Jenkins core (Hudson, Job, Run, Queue.Item and the ParameterDefinition
family), workflow-job, pipeline-input-step and the Git Parameter plugin; comments name
the source where a shape is not obvious. Costly fields are lambdas so `tree=` only pays
for what it asks (see tree.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from releasegate.simulators.jenkins.export_changes import change_set, change_sets
from releasegate.simulators.jenkins.export_input import input_action
from releasegate.simulators.jenkins.export_parameters import (
    cause_action,
    definitions_property,
    parameters_action,
)
from releasegate.simulators.jenkins.model import (
    SimBuild,
    SimFolder,
    SimJob,
    SimQueueItem,
    SimValue,
)
from releasegate.simulators.jenkins.state import World
from releasegate.simulators.jenkins.tree import INLINE, VISIBILITY

Json = dict[str, Any]

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
# AbstractItem: name and url @Exported(visibility = 999); Job: color (2), allBuilds (-2).
FOLDER_VISIBILITY = {"name": 999, "url": 999}
JOB_VISIBILITY = {"name": 999, "url": 999, "color": 2, "allBuilds": -2}
# Run: number and url @Exported(visibility = 2); View: name and url (2).
BUILD_VISIBILITY = {"number": 2, "url": 2}
VIEW_VISIBILITY = {"name": 2, "url": 2}
# Queue.Item is @ExportedBean(defaultVisibility = 999); its actions come from Actionable.
QUEUE_ITEM_VISIBILITY = {"*": 999, "actions": 1}


Readable = Callable[[str], bool]


def _everything(full_name: str) -> bool:
    return True


def ms(seconds: float) -> int:
    return int(seconds * 1000)


def item_path(full_name: str) -> str:
    return "".join(f"job/{quote(segment, safe='')}/" for segment in full_name.split("/"))


class Exporter:
    def __init__(self, world: World, root_url: str) -> None:
        self.world = world
        self.root = root_url.rstrip("/") + "/"

    # -- items --------------------------------------------------------------------

    def root_object(self, readable: Readable = _everything) -> Json:
        """Jenkins' root; `readable` says which items (by full name) the caller may see:
        Jenkins lists only those (ItemGroup.getItems filters by Item.READ)."""
        scenario = self.world.scenario
        return {
            "_class": "hudson.model.Hudson",
            "assignedLabels": [{VISIBILITY: {"name": 2}, "name": "built-in"}],
            "mode": "NORMAL",
            "nodeDescription": "the Jenkins controller's built-in node",
            "nodeName": "",
            "numExecutors": scenario.executors,
            "description": None,
            "jobs": lambda: self._children(self.world.root, readable),
            "overallLoad": {},
            "primaryView": self.all_view("all", self.root),
            "quietingDown": False,
            "slaveAgentPort": 50000,
            "unlabeledLoad": {"_class": "jenkins.model.UnlabeledLoadStatistics"},
            "url": self.root,
            "useCrumbs": scenario.csrf,
            "useSecurity": True,
            "views": [self.all_view("all", self.root)],
            VISIBILITY: {"nodeName": 999, "assignedLabels": 1},
        }

    def all_view(self, name: str, url: str) -> Json:
        view: Json = {"_class": "hudson.model.AllView", VISIBILITY: VIEW_VISIBILITY}
        return {**view, "name": name, "url": url}

    def item(self, item: SimFolder | SimJob, readable: Readable = _everything) -> Json:
        return self.folder(item, readable) if isinstance(item, SimFolder) else self.job(item)

    def _children(self, children: dict[str, SimFolder | SimJob], readable: Readable) -> list[Json]:
        return [
            self.item(child, readable) for child in children.values() if readable(child.full_name)
        ]

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

    def folder(self, folder: SimFolder, readable: Readable = _everything) -> Json:
        return {
            "_class": FOLDER_CLASSES[folder.kind],
            VISIBILITY: FOLDER_VISIBILITY,
            "actions": [{}, {"_class": "com.cloudbees.plugins.credentials.ViewCredentialsAction"}],
            **self._item_common(folder.full_name, folder.display_name, folder.description),
            "healthReport": [],
            "jobs": lambda: self._children(folder.children, readable),
            "primaryView": self.all_view("All", self.root + item_path(folder.full_name)),
            "views": [self.all_view("All", self.root + item_path(folder.full_name))],
        }

    def job(self, job: SimJob) -> Json:
        spec = job.spec
        definitions = (lambda: definitions_property(spec.parameters)) if spec.parameters else None
        item = self.world.queue_item_for(job)
        completed = job.completed
        export: Json = {
            "_class": JOB_CLASSES[spec.kind],
            VISIBILITY: JOB_VISIBILITY,
            INLINE: ("property",),
            "actions": lambda: [{}, *([definitions()] if definitions else []), {}],
            **self._item_common(job.full_name, spec.display_name or job.name, spec.description),
            "buildable": not spec.disabled,
            # Job.getNewBuilds: the newest 100; allBuilds only when a tree asks.
            "builds": lambda: [self.build(b) for b in reversed(job.builds[-100:])],
            "allBuilds": lambda: [self.build(b) for b in reversed(job.builds)],
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
        export: Json = {
            "_class": BUILD_CLASSES[build.spec.kind],
            VISIBILITY: BUILD_VISIBILITY,
            "actions": lambda: self._build_actions(build),
            "artifacts": [],
            "building": build.building,
            "description": None,
            "displayName": f"#{build.number}",
            "duration": 0 if build.building else ms(build.duration(now)),
            "estimatedDuration": self.estimated_duration(job),
            "executor": (lambda: self._executor(build)) if build.building else None,
            "fullDisplayName": f"{display} #{build.number}",
            "id": str(build.number),
            "keepLog": False,
            "number": build.number,
            "queueId": build.queue_id,
            "result": build.result,
            "timestamp": ms(build.started_at),
            "url": self.build_url(build),
            "inProgress": build.building,
            "culprits": [],
        }
        if build.spec.kind == "pipeline":
            # WorkflowRun exports its neighbours and changeSets; AbstractBuild does not.
            export["changeSets"] = lambda: change_sets(build, self.root)
            export["nextBuild"] = lambda: self._neighbour(build, 1)
            export["previousBuild"] = lambda: self._neighbour(build, -1)
        else:
            export["builtOn"] = ""
            export["changeSet"] = lambda: change_set(build, self.root)
        return export

    def build_url(self, build: SimBuild) -> str:
        return f"{self.root}{item_path(build.job.full_name)}{build.number}/"

    def _neighbour(self, build: SimBuild, step: int) -> Json | None:
        builds = build.job.builds
        index = builds.index(build) + step
        return self.build(builds[index]) if 0 <= index < len(builds) else None

    def _executor(self, build: SimBuild) -> Json:
        """A pipeline runs on a flyweight OneOffExecutor, a freestyle build on one of the
        node's executors (Executor: all @Exported with visibility 1)."""
        pipeline = build.spec.kind == "pipeline"
        return {
            "_class": "hudson.model.OneOffExecutor" if pipeline else "hudson.model.Executor",
            "currentExecutable": lambda: self.build(build),
            "idle": False,
            "likelyStuck": False,
            "number": -1 if pipeline else 0,
            "progress": -1,
        }

    def _build_actions(self, build: SimBuild) -> list[Json]:
        actions: list[Json] = [cause_action(build.causes)]
        if build.parameters is not None:
            actions.insert(0, parameters_action(build.parameters))
        actions.append({})
        if build.spec.kind == "pipeline":
            actions.append({"_class": "org.jenkinsci.plugins.workflow.job.views.FlowGraphAction"})
            if build.input_state != "none":
                actions.append(input_action(build, self.world.scenario.input_executions))
        return actions

    # -- queue --------------------------------------------------------------------

    def queue_item(self, item: SimQueueItem) -> Json:
        export: Json = {
            "_class": QUEUE_CLASSES[item.state],
            VISIBILITY: QUEUE_ITEM_VISIBILITY,
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
                    VISIBILITY: BUILD_VISIBILITY,
                    "number": item.build.number,
                    "url": self.build_url(item.build),
                }
                if item.build
                else None
            )
        return export

    def _queue_actions(self, item: SimQueueItem) -> list[Json]:
        actions: list[Json] = [cause_action(item.causes)]
        if item.parameters is not None:
            actions.insert(0, parameters_action(item.parameters))
        return actions

    def queue(self) -> Json:
        live = sorted((i for i in self.world.queue.values() if i.live), key=lambda i: i.id)
        return {
            "_class": "hudson.model.Queue",
            INLINE: ("items", "discoverableItems"),
            "discoverableItems": [],
            "items": [self.queue_item(item) for item in live],
        }


def _text(value: SimValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def console_bytes(build: SimBuild) -> bytes:
    return "".join(line + "\n" for line in build.console).encode("utf-8")
