"""The simulated Jenkins' world: folders, jobs, the queue, builds and input steps.

Time is the simulator's own clock (real time plus an offset the control API can move),
and the world is advanced lazily: before each request, every event that fell due since
the last one (a quiet period ending, an executor freeing up, a stage starting, an input
step being reached, a build finishing) is applied in time order. No background threads,
so a test that moves the clock sees exactly what Jenkins would show at that moment.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Sequence

from releasegate.simulators.jenkins.model import (
    Milestone,
    Parameters,
    SimBuild,
    SimCommit,
    SimFolder,
    SimJob,
    SimQueueItem,
    SimValue,
)
from releasegate.simulators.jenkins.scenario import (
    CommitSpec,
    FolderSpec,
    JobSpec,
    Scenario,
    UserSpec,
)

# LeftItems stay in Jenkins' cache for five minutes (Queue.java, expireAfterWrite 5 min).
LEFT_ITEM_TTL = 300.0


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        self._offset += seconds
        return self.now()


class World:
    """Everything the simulated Jenkins knows. Callers hold `lock` around each use."""

    def __init__(self, scenario: Scenario, clock: Clock | None = None) -> None:
        self.scenario = scenario
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self.root: dict[str, SimFolder | SimJob] = {}
        self.items: dict[str, SimFolder | SimJob] = {}
        self.queue: dict[int, SimQueueItem] = {}
        self.next_queue_id = 1
        self.users: dict[str, UserSpec] = {user.name: user for user in scenario.users}
        for folder in scenario.folders:
            self.add_folder(folder)
        for job in scenario.expanded_jobs():
            self.add_job(job)

    # -- structure ----------------------------------------------------------------

    def _children_of(self, parent: str) -> dict[str, SimFolder | SimJob]:
        if not parent:
            return self.root
        folder = self.items.get(parent)
        if folder is None:
            folder = self.add_folder(FolderSpec(path=parent))
        if not isinstance(folder, SimFolder):
            raise ValueError(f"{parent} is a job, not a folder")
        return folder.children

    def add_folder(self, spec: FolderSpec) -> SimFolder:
        existing = self.items.get(spec.path)
        parent, _, name = spec.path.rpartition("/")
        folder = SimFolder(spec.path, spec.display_name or name, spec.description, spec.kind)
        if isinstance(existing, SimFolder):
            folder.children = existing.children
        self._children_of(parent)[name] = folder
        self.items[spec.path] = folder
        return folder

    def add_job(self, spec: JobSpec) -> SimJob:
        """Add a job, or replace its definition in place: its builds, its numbering and
        its queued items stay (running builds keep the definition they started with)."""
        existing = self.items.get(spec.path)
        if isinstance(existing, SimJob):
            existing.spec = spec
            return existing
        parent, _, name = spec.path.rpartition("/")
        job = SimJob(spec, spec.path)
        self._children_of(parent)[name] = job
        self.items[spec.path] = job
        self.push_commits(job, spec.commits)
        return job

    def push_commits(self, job: SimJob, commits: Sequence[CommitSpec]) -> list[SimCommit]:
        """Commits pushed to the job's repository now: its next build records them."""
        pushed = []
        for spec in commits:
            job.commits_pushed += 1
            made_up = f"{job.full_name}\n{job.commits_pushed}\n{spec.message}".encode()
            commit_id = spec.id or hashlib.sha1(made_up, usedforsecurity=False).hexdigest()
            pushed.append(SimCommit(spec, commit_id, self.clock.now()))
        job.pending_commits += pushed
        return pushed

    def remove(self, full_name: str) -> bool:
        """Delete a job or folder (with everything in it); its queued items are
        cancelled, as deleting an item does in Jenkins."""
        item = self.items.pop(full_name, None)
        if item is None:
            return False
        parent, _, name = full_name.rpartition("/")
        self._children_of(parent).pop(name, None)
        for key in [k for k in self.items if k.startswith(full_name + "/")]:
            del self.items[key]
        for queued in self.queue.values():
            if queued.live and self.items.get(queued.job.full_name) is not queued.job:
                self.cancel(queued.id)
        return True

    def job(self, full_name: str) -> SimJob | None:
        item = self.items.get(full_name)
        return item if isinstance(item, SimJob) else None

    # -- time ---------------------------------------------------------------------

    def advance(self) -> float:
        """Apply every event due by now, in time order; return now."""
        now = self.clock.now()
        while True:
            event = self._next_event()
            if event is None or event[0] > now:
                break
            at, apply = event
            apply(at)
            self._dispatch(at)
        self._dispatch(now)
        return now

    def _next_event(self) -> tuple[float, Callable[[float], None]] | None:
        best: tuple[float, Callable[[float], None]] | None = None
        for item in self.queue.values():
            if item.state == "waiting" and (best is None or item.due < best[0]):
                best = (item.due, item_due(item))
        for job in self.items.values():
            if not isinstance(job, SimJob):
                continue
            for build in job.running:
                at = build.next_event_time()
                if at is not None and (best is None or at < best[0]):
                    best = (at, self._milestone_handler(build))
        return best

    def _dispatch(self, at: float) -> None:
        """Start queued items that can start: an executor is free and, for jobs that do
        not allow concurrent builds, no build of the job is running."""
        busy = sum(len(job.running) for job in self.items.values() if isinstance(job, SimJob))
        for item in sorted(self.queue.values(), key=lambda i: i.id):
            if item.state not in ("blocked", "buildable"):
                continue
            running = item.job.running
            if running and not item.job.spec.concurrent:
                item.state = "blocked"
                item.why = f"Build #{running[-1].number} is already in progress (ETA:N/A)"
            elif busy >= self.scenario.executors:
                item.state = "buildable"
                item.why = "Waiting for next available executor"
            else:
                self._start(item, at)
                busy += 1

    # -- queue --------------------------------------------------------------------

    def trigger(
        self, job: SimJob, parameters: Parameters | None, cause: dict[str, str], delay: float | None
    ) -> tuple[SimQueueItem, bool]:
        """Queue a build; returns the item and whether the request merged into an
        identical waiting, blocked or buildable item (Queue.scheduleInternal)."""
        now = self.clock.now()
        quiet = delay if delay is not None else job.spec.quiet_period
        due = now + (self.scenario.quiet_period if quiet is None else quiet)
        wanted = _value_set(parameters)
        for item in self.queue.values():
            if item.live and item.job is job and _value_set(item.parameters) == wanted:
                item.causes.append(cause)
                if item.state == "waiting":
                    item.due = min(item.due, due)
                self.advance()
                return item, True
        item = SimQueueItem(self.next_queue_id, job, parameters, [cause], now, due)
        item.why = "In the quiet period."
        self.queue[item.id] = item
        self.next_queue_id += 1
        self.advance()
        return item, False

    def queue_item(self, queue_id: int) -> SimQueueItem | None:
        """The item as Jenkins still knows it: live, or left less than 5 minutes ago."""
        item = self.queue.get(queue_id)
        if item is None or (
            item.left_at is not None and self.clock.now() - item.left_at > LEFT_ITEM_TTL
        ):
            return None
        return item

    def queue_item_for(self, job: SimJob) -> SimQueueItem | None:
        """The job's oldest item still in the queue, as `Job.queueItem` shows it."""
        live = [item for item in self.queue.values() if item.live and item.job is job]
        return min(live, key=lambda item: item.id) if live else None

    def cancel(self, queue_id: int) -> bool:
        item = self.queue.get(queue_id)
        if item is None or not item.live:
            return False
        item.state, item.cancelled, item.left_at = "left", True, self.clock.now()
        return True

    def _start(self, item: SimQueueItem, at: float) -> None:
        job = item.job
        build = SimBuild(
            job=job,
            spec=job.spec,
            number=job.next_build_number,
            queue_id=item.id,
            parameters=item.parameters,
            causes=item.causes,
            started_at=at,
            milestones=_milestones(job.spec),
            commits=job.pending_commits,
        )
        job.pending_commits = []
        job.next_build_number += 1
        job.builds.append(build)
        item.state, item.left_at, item.build, item.why = "left", at, build, None
        for cause in build.causes:
            build.console.append(cause["shortDescription"])
        if job.spec.kind == "pipeline":
            build.console.append("[Pipeline] Start of Pipeline")
        else:
            build.console.append(f"Building in workspace /var/jenkins_home/workspace/{job.name}")

    # -- builds -------------------------------------------------------------------

    def _milestone_handler(self, build: SimBuild) -> Callable[[float], None]:
        def apply(at: float) -> None:
            milestone = build.milestones[build.next_milestone]
            build.next_milestone += 1
            if milestone.kind == "stage":
                self._enter_stage(build, milestone.stage)
            elif milestone.kind == "input":
                self._reach_input(build, at)
            else:
                self._finish(build, at, build.spec.result)

        return apply

    def _enter_stage(self, build: SimBuild, index: int) -> None:
        stages = build.spec.stage_specs()
        pipeline = build.spec.kind == "pipeline"
        if pipeline and build.current_stage >= 0:
            build.console += ["[Pipeline] }", "[Pipeline] // stage"]
        build.current_stage = index
        if pipeline:
            build.console += ["[Pipeline] stage", f"[Pipeline] {{ ({stages[index].name})"]
        values = {
            spec.name: _text(value)
            for spec, value in build.parameters or []
            if spec.type != "password"  # Jenkins masks passwords in the console.
        }
        build.console += [_expand(line, values) for line in stages[index].lines]

    def _reach_input(self, build: SimBuild, at: float) -> None:
        spec = build.spec.input
        if spec is None:
            return
        build.input_state, build.paused_since = "waiting", at
        build.console += ["[Pipeline] input", spec.message, f"{spec.ok} or Abort"]

    def _finish(self, build: SimBuild, at: float, result: str) -> None:
        if build.spec.kind == "pipeline":
            if build.current_stage >= 0:
                build.console += ["[Pipeline] }", "[Pipeline] // stage"]
            build.console.append("[Pipeline] End of Pipeline")
        if result == "FAILURE" and not any(line.startswith("ERROR") for line in build.console):
            build.console.append("ERROR: script returned exit code 1")
        build.console.append(f"Finished: {result}")
        build.result, build.finished_at, build.paused_since = result, at, None

    def proceed(self, build: SimBuild, values: dict[str, SimValue], user: str) -> None:
        now = self.clock.now()
        build.paused_total += now - (build.paused_since or now)
        build.paused_since = None
        build.input_state, build.input_values, build.input_by = "proceeded", values, user
        build.console.append(f"Approved by {user}")
        self.advance()

    def abort_input(self, build: SimBuild, user: str) -> None:
        build.input_state, build.input_by = "aborted", user
        build.console.append(f"Rejected by {user}")
        self._finish(build, self.clock.now(), "ABORTED")
        self.advance()

    def stop(self, build: SimBuild, user: str) -> None:
        if not build.building:
            return
        if build.input_state == "waiting":
            build.input_state = "aborted"
        build.console.append(f"Aborted by {user}")
        self._finish(build, self.clock.now(), "ABORTED")
        self.advance()

    def all_builds(self) -> list[SimBuild]:
        return [b for job in self.items.values() if isinstance(job, SimJob) for b in job.builds]


def _text(value: SimValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _expand(line: str, values: dict[str, str]) -> str:
    """Console lines may name parameters as ${NAME}, as a shell step would see them."""
    for name, value in values.items():
        line = line.replace("${" + name + "}", value)
    return line


def item_due(item: SimQueueItem) -> Callable[[float], None]:
    def apply(at: float) -> None:
        item.state, item.buildable_since, item.why = "buildable", at, None

    return apply


def _value_set(parameters: Parameters | None) -> frozenset[tuple[str, str]]:
    """Jenkins merges queued requests whose parameter values are equal as a set."""
    return frozenset((spec.name, repr(value)) for spec, value in parameters or [])


def _milestones(spec: JobSpec) -> list[Milestone]:
    stages = spec.stage_specs() or []
    length = spec.duration / max(len(stages), 1)
    milestones = [Milestone(i * length, "stage", i) for i in range(len(stages))]
    if spec.input is not None:
        names = [stage.name for stage in stages]
        index = names.index(spec.input.stage) if spec.input.stage in names else len(stages) - 1
        milestones.insert(max(index, 0) + 1, Milestone(max(index, 0) * length, "input"))
    milestones.append(Milestone(spec.duration, "end"))
    return milestones
