"""Jenkins' JSON as it arrives: pydantic models (and, on the hot listing path, TypedDicts)
named and spelled as Jenkins exports them. parsing.py turns them into models.py's types."""

from __future__ import annotations

from typing import Any, Required

from pydantic import BaseModel, ConfigDict, Field, RootModel, TypeAdapter
from typing_extensions import TypedDict


class _Raw(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class RawValue(_Raw):
    class_: str = Field("", alias="_class")
    name: str | None = None
    # Absent for PasswordParameterValue: Jenkins does not export its secret.
    value: Any = None

    @property
    def has_value(self) -> bool:
        """False when Jenkins left `value` out (a password), not when it is null."""
        return "value" in self.model_fields_set


# The listing's shapes are TypedDicts, not models: a large Jenkins lists tens of thousands
# of parameter definitions, and pydantic validates into plain dicts several times faster
# than it builds model objects. The checks are the same.
class RawDefaultValue(TypedDict, total=False):
    _class: str
    value: Any


class RawParameterDefinition(TypedDict, total=False):
    _class: str
    name: Required[str]
    type: str | None
    description: str | None
    choices: list[str] | None
    # Its `value` is absent for PasswordParameterValue: Jenkins does not export it.
    defaultParameterValue: RawDefaultValue | None


class RawProperty(TypedDict, total=False):
    _class: str
    parameterDefinitions: list[RawParameterDefinition] | None


class RawJob(TypedDict, total=False):
    _class: str
    name: str | None
    fullName: str | None
    displayName: str | None
    description: str | None
    url: str | None
    color: str | None
    buildable: bool | None
    disabled: bool | None
    property: list[RawProperty] | None
    jobs: list[RawJob] | None


RAW_JOB = TypeAdapter(RawJob)


class RawExecutable(_Raw):
    number: int
    url: str = ""


class RawTask(_Raw):
    url: str | None = None
    name: str | None = None


class RawCause(_Raw):
    class_: str = Field("", alias="_class")
    shortDescription: str | None = None  # noqa: N815
    userId: str | None = None  # noqa: N815


class RawInput(_Raw):
    id: str
    message: str = ""
    ok: str | None = None
    submitter: str | None = None
    parameters: list[RawParameterDefinition] = []


class RawInputExecution(_Raw):
    id: str | None = None
    settled: bool = False
    input: RawInput | None = None


class RawAction(_Raw):
    """Any entry of `actions[]`; Jenkins also exports empty `{}` ones."""

    class_: str = Field("", alias="_class")
    parameters: list[RawValue] | None = None
    causes: list[RawCause] | None = None
    waitingForInput: bool | None = None  # noqa: N815
    # Absent (None) before pipeline-input-step 466, which started exporting it.
    executions: list[RawInputExecution] | None = None


class RawQueueItem(_Raw):
    class_: str = Field("", alias="_class")
    id: int
    why: str | None = None
    inQueueSince: int | None = None  # noqa: N815
    cancelled: bool | None = None
    executable: RawExecutable | None = None
    task: RawTask | None = None
    actions: list[RawAction | None] = []


class RawQueue(_Raw):
    items: list[RawQueueItem] = []


class RawCommitTime(_Raw):
    # Milliseconds; -1 (or absent) when the SCM records no time (ChangeLogSet.Entry).
    timestamp: int | None = None


class RawCommitTimes(_Raw):
    items: list[RawCommitTime | None] = []


class RawBuild(_Raw):
    number: int
    url: str | None = None
    building: bool = False
    result: str | None = None
    duration: int = 0
    timestamp: int = 0
    queueId: int | None = None  # noqa: N815
    actions: list[RawAction | None] = []
    # A pipeline run's change sets (one per checkout); a freestyle build's one.
    changeSets: list[RawCommitTimes | None] | None = None  # noqa: N815
    changeSet: RawCommitTimes | None = None  # noqa: N815


class RawBuildList(_Raw):
    builds: list[RawBuild] | None = None


class RawStageViewDefinition(_Raw):
    defaultVal: Any = None  # noqa: N815
    choices: list[str] | None = None


class RawStageViewParameter(_Raw):
    type: str | None = None
    name: str
    description: str | None = None
    definition: RawStageViewDefinition | None = None


class RawStageViewInput(_Raw):
    id: str
    message: str = ""
    proceedText: str | None = None  # noqa: N815
    inputs: list[RawStageViewParameter] = []


class RawPendingInputActions(RootModel[list[RawStageViewInput]]):
    pass


class RawBuildActions(BaseModel):
    actions: list[RawAction | None] = []


class RawMenuItem(_Raw):
    url: str | None = None
    # "BUILD" on the app bar's Build action (jenkins.model.menu.Semantic, 2.560+).
    semantic: str | None = None


class RawContextMenu(_Raw):
    items: list[RawMenuItem] = []


class RawJobState(_Raw):
    buildable: bool | None = None
