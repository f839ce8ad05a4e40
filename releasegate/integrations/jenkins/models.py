"""What ReleaseGate knows about Jenkins, as typed values: jobs and their parameters,
queue items, builds, input steps. Parsed from raw.py's shapes by parsing.py."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from releasegate.integrations.jenkins.raw import RawParameterDefinition

ParameterValue = str | bool | None


class ParameterKind(StrEnum):
    STRING = "string"
    CHOICE = "choice"
    BOOLEAN = "boolean"
    TEXT = "text"
    PASSWORD = "password"
    GIT = "git"
    ACTIVE_CHOICES = "active_choices"
    # A type we do not understand: kept with its raw definition so nobody loses it.
    OPAQUE = "opaque"


# `_class` of each parameter definition we understand. Sources: Jenkins core
# hudson/model/*ParameterDefinition.java, jenkinsci/git-parameter-plugin and
# jenkinsci/active-choices-plugin (package org.biouno.unochoice).
PARAMETER_KINDS: dict[str, ParameterKind] = {
    "hudson.model.StringParameterDefinition": ParameterKind.STRING,
    "hudson.model.ChoiceParameterDefinition": ParameterKind.CHOICE,
    "hudson.model.BooleanParameterDefinition": ParameterKind.BOOLEAN,
    "hudson.model.TextParameterDefinition": ParameterKind.TEXT,
    "hudson.model.PasswordParameterDefinition": ParameterKind.PASSWORD,
    "net.uaznia.lukanus.hudson.plugins.gitparameter.GitParameterDefinition": ParameterKind.GIT,
    "org.biouno.unochoice.ChoiceParameter": ParameterKind.ACTIVE_CHOICES,
    "org.biouno.unochoice.CascadeChoiceParameter": ParameterKind.ACTIVE_CHOICES,
    "org.biouno.unochoice.DynamicReferenceParameter": ParameterKind.ACTIVE_CHOICES,
}
# Jenkins before 2.x exported no `_class`; its `type` is the simple class name.
_KINDS_BY_SIMPLE_NAME = {name.rsplit(".", 1)[-1]: kind for name, kind in PARAMETER_KINDS.items()}


class JobKind(StrEnum):
    FREESTYLE = "freestyle"
    PIPELINE = "pipeline"
    MATRIX = "matrix"
    MAVEN = "maven"
    OTHER = "other"


JOB_KINDS: dict[str, JobKind] = {
    "hudson.model.FreeStyleProject": JobKind.FREESTYLE,
    "org.jenkinsci.plugins.workflow.job.WorkflowJob": JobKind.PIPELINE,
    "hudson.matrix.MatrixProject": JobKind.MATRIX,
    "hudson.maven.MavenModuleSet": JobKind.MAVEN,
}


@dataclass(frozen=True)
class ParameterDefinition:
    """One parameter a job (or an `input` step) declares."""

    name: str
    kind: ParameterKind
    jenkins_class: str
    description: str = ""
    default: ParameterValue = None
    choices: tuple[str, ...] = ()
    # Password defaults exist in Jenkins but are never exported over the API.
    default_hidden: bool = False

    @classmethod
    def from_raw(cls, raw: RawParameterDefinition) -> ParameterDefinition:
        simple_name = raw.get("type") or ""
        jenkins_class = raw.get("_class") or simple_name
        kind = PARAMETER_KINDS.get(jenkins_class) or _KINDS_BY_SIMPLE_NAME.get(
            simple_name, ParameterKind.OPAQUE
        )
        default_raw = raw.get("defaultParameterValue") or {}
        return cls(
            name=raw["name"],
            kind=kind,
            jenkins_class=jenkins_class,
            description=raw.get("description") or "",
            default=plain_value(default_raw.get("value")),
            choices=tuple(raw.get("choices") or ()),
            default_hidden=kind is ParameterKind.PASSWORD,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "jenkins_class": self.jenkins_class,
            "description": self.description,
            "default": self.default,
            "choices": list(self.choices),
            "default_hidden": self.default_hidden,
        }


def plain_value(value: Any) -> ParameterValue:
    """A parameter value as ReleaseGate keeps it: a string, a boolean or None."""
    if value is None or isinstance(value, bool | str):
        return value
    return str(value)


def value_as_text(value: ParameterValue) -> str:
    """The form Jenkins receives a value in: booleans are "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


@dataclass(frozen=True)
class Folder:
    full_name: str
    display_name: str
    description: str
    jenkins_class: str


@dataclass(frozen=True)
class Job:
    """A buildable job found while listing, with everything the catalog needs."""

    full_name: str
    display_name: str
    description: str
    url: str
    jenkins_class: str
    kind: JobKind
    buildable: bool
    color: str | None
    parameters: tuple[ParameterDefinition, ...]

    @property
    def is_parameterized(self) -> bool:
        return bool(self.parameters)


@dataclass(frozen=True)
class JobListing:
    folders: tuple[Folder, ...]
    jobs: tuple[Job, ...]
    requests: int


class QueueState(StrEnum):
    WAITING = "waiting"
    BLOCKED = "blocked"
    BUILDABLE = "buildable"
    # Left the queue: a build started, or the item was cancelled.
    STARTED = "started"
    CANCELLED = "cancelled"
    # The item expired from Jenkins' five-minute cache and no build carries its id.
    UNKNOWN = "unknown"


QUEUE_STATES: dict[str, QueueState] = {
    "hudson.model.Queue$WaitingItem": QueueState.WAITING,
    "hudson.model.Queue$BlockedItem": QueueState.BLOCKED,
    "hudson.model.Queue$BuildableItem": QueueState.BUILDABLE,
    "hudson.model.Queue$LeftItem": QueueState.STARTED,
}


@dataclass(frozen=True)
class QueueItem:
    id: int
    state: QueueState
    why: str | None = None
    build_number: int | None = None
    build_url: str | None = None
    in_queue_since_ms: int | None = None
    task_url: str | None = None
    parameters: dict[str, ParameterValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Cause:
    jenkins_class: str
    description: str
    user_id: str | None = None


class BuildResult(StrEnum):
    SUCCESS = "SUCCESS"
    UNSTABLE = "UNSTABLE"
    FAILURE = "FAILURE"
    NOT_BUILT = "NOT_BUILT"
    ABORTED = "ABORTED"


@dataclass(frozen=True)
class Build:
    number: int
    url: str
    building: bool
    # None while the build runs.
    result: BuildResult | None
    # Milliseconds; Jenkins reports 0 while the build runs.
    duration_ms: int
    # Start time, milliseconds since the epoch.
    timestamp_ms: int
    queue_id: int | None
    parameters: dict[str, ParameterValue]
    causes: tuple[Cause, ...]
    waiting_for_input: bool = False
    # When each commit its change sets recorded was made (ms since the epoch), where the
    # SCM records it.
    commit_times_ms: tuple[int, ...] = ()


@dataclass(frozen=True)
class ConsoleChunk:
    text: str
    # Byte offset to pass as `start` next time (Jenkins' X-Text-Size).
    next_start: int
    # True while the build runs and more text may come (Jenkins' X-More-Data).
    more: bool


@dataclass(frozen=True)
class PendingInput:
    """A pipeline `input` step waiting for an answer."""

    id: str
    message: str
    ok_text: str
    submitter: str | None
    parameters: tuple[ParameterDefinition, ...]


@dataclass(frozen=True)
class Triggered:
    queue_id: int
    # True when Jenkins merged the request into an identical queued item (HTTP 303):
    # the same build as before, not a second one.
    merged: bool


_SAFE_ID = re.compile(r"^[A-Za-z0-9_\-.~]+$")


def input_id(*, explicit_id: str | None, message: str) -> str:
    """The id Jenkins gives an `input` step.

    An explicit `id:` keeps its spelling except a first a-z letter, which is upper-cased
    (lower-case first letters are reserved for InputAction's own URLs). Without an id it
    is the capitalised md5 of the message. Source: pipeline-input-step-plugin InputStep.
    """
    if explicit_id:
        first = explicit_id[0]
        return first.upper() + explicit_id[1:] if "a" <= first <= "z" else explicit_id
    digest = hashlib.md5(message.encode("utf-8"), usedforsecurity=False).hexdigest()
    return digest[0].upper() + digest[1:]


def is_safe_input_id(value: str) -> bool:
    return bool(_SAFE_ID.match(value))
