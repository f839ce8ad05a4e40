"""What the simulated Jenkins' world is made of: folders, jobs, queue items and builds.

Plain records; `state.World` owns them and moves them through time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from releasegate.simulators.jenkins.scenario import CommitSpec, JobSpec, ParameterSpec

SimValue = str | bool | None
Parameters = list[tuple[ParameterSpec, SimValue]]
InputState = Literal["none", "waiting", "proceeded", "aborted"]


@dataclass
class SimFolder:
    full_name: str
    display_name: str
    description: str
    kind: str
    children: dict[str, SimFolder | SimJob] = field(default_factory=dict)


@dataclass(frozen=True)
class SimCommit:
    spec: CommitSpec
    commit_id: str
    # When it was pushed, on the simulator's clock (seconds).
    at: float


@dataclass
class SimJob:
    spec: JobSpec
    full_name: str
    builds: list[SimBuild] = field(default_factory=list)
    next_build_number: int = 1
    # Pushed since the last build started: the next build's change set.
    pending_commits: list[SimCommit] = field(default_factory=list)
    commits_pushed: int = 0

    @property
    def name(self) -> str:
        return self.full_name.rsplit("/", 1)[-1]

    @property
    def running(self) -> list[SimBuild]:
        return [build for build in self.builds if build.building]

    @property
    def completed(self) -> list[SimBuild]:
        return [build for build in self.builds if not build.building]


@dataclass
class SimQueueItem:
    id: int
    job: SimJob
    parameters: Parameters | None
    causes: list[dict[str, str]]
    in_queue_since: float
    due: float
    state: Literal["waiting", "blocked", "buildable", "left"] = "waiting"
    why: str | None = None
    buildable_since: float | None = None
    left_at: float | None = None
    cancelled: bool = False
    build: SimBuild | None = None

    @property
    def live(self) -> bool:
        return self.state != "left"


@dataclass
class Milestone:
    offset: float
    kind: Literal["stage", "input", "end"]
    stage: int = 0


@dataclass
class SimBuild:
    """One run. `spec` is the job definition it started with: replacing the job's
    definition mid-build does not change a running build, as in Jenkins."""

    job: SimJob
    spec: JobSpec
    number: int
    queue_id: int
    parameters: Parameters | None
    causes: list[dict[str, str]]
    started_at: float
    milestones: list[Milestone]
    console: list[str] = field(default_factory=list)
    paused_total: float = 0.0
    paused_since: float | None = None
    finished_at: float | None = None
    result: str | None = None
    next_milestone: int = 0
    current_stage: int = -1
    input_state: InputState = "none"
    input_values: dict[str, SimValue] | None = None
    input_by: str | None = None
    commits: list[SimCommit] = field(default_factory=list)

    @property
    def building(self) -> bool:
        return self.result is None

    @property
    def waiting_for_input(self) -> bool:
        return self.input_state == "waiting"

    def next_event_time(self) -> float | None:
        if not self.building or self.paused_since is not None:
            return None
        milestone = self.milestones[self.next_milestone]
        return self.started_at + self.paused_total + milestone.offset

    def duration(self, now: float) -> float:
        return (self.finished_at or now) - self.started_at
