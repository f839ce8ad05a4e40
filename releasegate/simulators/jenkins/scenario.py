"""Scenarios: what a simulated Jenkins contains and how its builds behave, in TOML.

See `scenarios/demo.toml` for a commented example. `generate` tables add many similar
jobs (for benchmarks); everything else is spelled out job by job.
"""

from __future__ import annotations

import random
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCENARIO_DIR = Path(__file__).parent / "scenarios"

ParameterType = Literal[
    "string", "choice", "boolean", "text", "password", "git", "active_choices", "file", "run"
]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParameterSpec(_Spec):
    name: str
    type: ParameterType = "string"
    description: str = ""
    default: str | bool | None = None
    # Choice parameters; for a Git Parameter, the branches and tags the repository has.
    choices: list[str] = []
    # Git Parameter: a blank value is refused instead of falling back to the default.
    required: bool = False

    @model_validator(mode="after")
    def _choice_default(self) -> ParameterSpec:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"choice parameter {self.name} needs choices")
        if self.type == "choice" and self.default not in (None, self.choices[0]):
            raise ValueError(
                f"choice parameter {self.name}: Jenkins defaults a choice to its first "
                "choice; list the default first instead"
            )
        if self.type == "choice":
            self.default = self.choices[0]
        if self.type == "boolean" and self.default is None:
            self.default = False
        if self.type == "git" and not self.default and self.choices:
            # GitParameterDefinition: without a default value, the top of the list.
            self.default = self.choices[0]
        return self


class InputSpec(_Spec):
    message: str
    id: str | None = None
    ok: str = "Proceed"
    submitter: str = ""
    # The input waits at the start of this stage (default: the last stage).
    stage: str | None = None
    parameters: list[ParameterSpec] = []


class CommitSpec(_Spec):
    """A commit the job's SCM checkout finds: it lands in the change set of the job's
    next build, as Git's change log between the previous build's revision and this one."""

    message: str
    author: str = "Dev One"
    author_email: str = ""
    # 40 hex digits; empty: made up from the message and the job's commit count.
    id: str = Field("", pattern=r"^([0-9a-f]{40})?$")
    paths: list[str] = []


class StageSpec(_Spec):
    name: str
    lines: list[str] = []


_DEFAULT_STAGES: list[StageSpec | str] = ["Build", "Deploy"]


class JobSpec(_Spec):
    path: str
    kind: Literal["pipeline", "freestyle"] = "pipeline"
    display_name: str | None = None
    description: str = ""
    disabled: bool = False
    concurrent: bool = False
    # Seconds; None uses the scenario's quiet period.
    quiet_period: float | None = None
    # Seconds of running, not counting the time spent waiting at an input step.
    duration: float = 2.0
    result: Literal["SUCCESS", "UNSTABLE", "FAILURE", "NOT_BUILT", "ABORTED"] = "SUCCESS"
    stages: list[StageSpec | str] = Field(default_factory=lambda: _DEFAULT_STAGES.copy())
    parameters: list[ParameterSpec] = []
    input: InputSpec | None = None
    # Commits recorded in the change set of the job's first build.
    commits: list[CommitSpec] = []

    def stage_specs(self) -> list[StageSpec]:
        return [StageSpec(name=s) if isinstance(s, str) else s for s in self.stages]


class FolderSpec(_Spec):
    path: str
    display_name: str | None = None
    description: str = ""
    kind: Literal["folder", "multibranch", "organization"] = "folder"


Permission = Literal["read", "build", "cancel", "admin"]
ItemPermission = Literal["read", "build", "cancel"]


class UserSpec(_Spec):
    # The user id, as people log in with it.
    name: str
    full_name: str | None = None
    description: str | None = None
    token: str | None = None
    password: str | None = None
    # "read", "build", "cancel", or "admin" for everything (admins answer any input).
    permissions: list[Permission] = ["read", "build", "cancel"]
    # What the user may do on a job or folder (and everything inside it), instead of
    # `permissions`, as a project-based matrix with inheritance blocked grants it: `[]`
    # hides the item (Jenkins answers 404), `["read"]` shows it without a Build action.
    # The longest matching path wins.
    job_permissions: dict[str, list[ItemPermission]] = {}

    def permissions_on(self, item: str | None) -> list[Permission]:
        """The user's permissions on the job or folder `item` (None: Jenkins itself)."""
        if item is None or "admin" in self.permissions:
            return self.permissions
        for path in sorted(self.job_permissions, key=len, reverse=True):
            if item == path or item.startswith(path + "/"):
                return list(self.job_permissions[path])
        return self.permissions


class FaultSpec(_Spec):
    """Misbehaviour applied to Jenkins API requests (never to the `/_sim/` control API)."""

    latency_ms: float = Field(0, ge=0)
    error_rate: float = Field(0, ge=0, le=1)
    timeout_rate: float = Field(0, ge=0, le=1)
    reset_rate: float = Field(0, ge=0, le=1)
    lost_response_rate: float = Field(0, ge=0, le=1)
    # How long a "timeout" holds the connection before closing it unanswered.
    timeout_seconds: float = Field(30, ge=0)
    # Restrict faults to these methods and to paths containing one of these strings.
    methods: list[str] | None = None
    paths: list[str] | None = None


class GenerateSpec(_Spec):
    folders: int = Field(1, ge=1)
    jobs_per_folder: int = Field(10, ge=1)
    min_parameters: int = Field(3, ge=0)
    max_parameters: int = Field(6, ge=0)
    folder_prefix: str = "team"
    job_prefix: str = "service"


class Scenario(_Spec):
    jenkins_version: str = "2.579"
    executors: int = Field(4, ge=1)
    quiet_period: float = Field(5.0, ge=0)
    csrf: bool = True
    # pipeline-stage-view's REST API (wfapi/*) is installed.
    stage_view: bool = True
    # pipeline-input-step 466+ exports input executions in the build JSON.
    input_executions: bool = True
    # The root URL Jenkins puts in absolute `url`s; empty means the address it serves on.
    root_url: str = ""
    # Winstone's `--prefix` (e.g. "/jenkins"): Jenkins answers only below it, and the
    # servlet container answers every other path with its own 404.
    prefix: str = Field("", pattern=r"^(/[^/?#]+)*$")
    seed: int = 1
    users: list[UserSpec] = [UserSpec(name="releasegate", token="releasegate-demo-token")]
    faults: FaultSpec = FaultSpec()
    folders: list[FolderSpec] = []
    jobs: list[JobSpec] = []
    generate: list[GenerateSpec] = []

    def expanded_jobs(self) -> list[JobSpec]:
        """The scenario's jobs plus those its `generate` tables describe (deterministic)."""
        rng = random.Random(self.seed)
        jobs = list(self.jobs)
        for spec in self.generate:
            jobs.extend(_generated(spec, rng))
        return jobs


def _generated(spec: GenerateSpec, rng: random.Random) -> list[JobSpec]:
    jobs = []
    for f in range(spec.folders):
        for j in range(spec.jobs_per_folder):
            count = rng.randint(spec.min_parameters, max(spec.min_parameters, spec.max_parameters))
            jobs.append(
                JobSpec(
                    path=f"{spec.folder_prefix}-{f:03d}/{spec.job_prefix}-{j:03d}",
                    description=f"Deploys {spec.job_prefix} {j} of team {f}",
                    parameters=[_generated_parameter(i, rng) for i in range(count)],
                )
            )
    return jobs


def _generated_parameter(index: int, rng: random.Random) -> ParameterSpec:
    kind = ("choice", "string", "boolean")[index % 3]
    if kind == "choice":
        choices = [f"option-{n}" for n in range(rng.randint(2, 6))]
        return ParameterSpec(name=f"CHOICE_{index}", type="choice", choices=choices)
    if kind == "boolean":
        return ParameterSpec(name=f"FLAG_{index}", type="boolean", default=rng.random() < 0.5)
    return ParameterSpec(name=f"TEXT_{index}", type="string", default=f"value-{index}")


def load_scenario(name_or_path: str) -> Scenario:
    """A built-in scenario by name (`demo`) or a TOML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SCENARIO_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        builtin = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
        raise FileNotFoundError(f"no scenario {name_or_path!r} (built in: {', '.join(builtin)})")
    return parse_scenario(tomllib.loads(path.read_text(encoding="utf-8")))


def parse_scenario(data: dict[str, Any]) -> Scenario:
    return Scenario.model_validate(data)
