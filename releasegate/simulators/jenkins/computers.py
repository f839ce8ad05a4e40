"""`/computer/api/*` (ComputerSet) and `/computer/(built-in)/api/*`: the controller's
built-in node, the only node this Jenkins has, with its executors.

Sources (jenkinsci/jenkins core): ComputerSet exports `busyExecutors`, `computer`
(inline), `displayName` ("Nodes") and `totalExecutors`; Computer its state, `executors`
and `oneOffExecutors`; Executor `currentExecutable`, `idle`, `likelyStuck`, `number`,
`progress`, all at visibility 1, so at depth 0 executors show as empty objects. A
freestyle build holds one of the node's executors; a pipeline run holds a flyweight
OneOffExecutor (its `node {}` blocks, which would hold executors, are not simulated).
"""

from __future__ import annotations

from typing import Any

from releasegate.simulators.jenkins.export import Exporter
from releasegate.simulators.jenkins.model import SimBuild
from releasegate.simulators.jenkins.tree import INLINE

Json = dict[str, Any]


def computer_set(exporter: Exporter) -> Json:
    executors = exporter.world.scenario.executors
    running = _running(exporter)
    return {
        "_class": "hudson.model.ComputerSet",
        INLINE: ("computer",),
        "busyExecutors": min(len([b for b in running if b.spec.kind != "pipeline"]), executors),
        "computer": [built_in(exporter)],
        "displayName": "Nodes",
        "totalExecutors": executors,
    }


def built_in(exporter: Exporter) -> Json:
    running = _running(exporter)
    freestyle = [b for b in running if b.spec.kind != "pipeline"]
    executors = exporter.world.scenario.executors
    busy: list[SimBuild | None] = [*freestyle[:executors]]
    busy += [None] * (executors - len(busy))
    return {
        "_class": "hudson.model.Hudson$MasterComputer",
        INLINE: ("monitorData",),
        "actions": [],
        "assignedLabels": [{"name": "built-in"}],
        "description": "the Jenkins controller's built-in node",
        "displayName": "Built-In Node",
        "executors": [_executor(exporter, build, n) for n, build in enumerate(busy)],
        "icon": "symbol-computer",
        "iconClassName": "symbol-computer",
        "idle": not running,
        "jnlpAgent": False,
        "launchSupported": True,
        "loadStatistics": {"_class": "hudson.model.Label$1"},
        "manualLaunchAllowed": True,
        "monitorData": {},
        "numExecutors": executors,
        "offline": False,
        "offlineCause": None,
        "offlineCauseReason": "",
        "oneOffExecutors": [
            _executor(exporter, build, -1, "hudson.model.OneOffExecutor")
            for build in running
            if build.spec.kind == "pipeline"
        ],
        "temporarilyOffline": False,
    }


def _running(exporter: Exporter) -> list[SimBuild]:
    return [b for b in exporter.world.all_builds() if b.building]


def _executor(
    exporter: Exporter, build: SimBuild | None, number: int, java_class: str = ""
) -> Json:
    executor: Json = {
        "currentExecutable": (lambda: exporter.build(build)) if build else None,
        "idle": build is None,
        "likelyStuck": False,
        "number": number,
        "progress": -1,
    }
    # The list is declared List<Executor>: only a OneOffExecutor names its class.
    return {"_class": java_class, **executor} if java_class else executor
