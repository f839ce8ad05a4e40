"""Benchmark: the release engine in real time, against a simulated Jenkins.

A simulated Jenkins (its own process, 5 ms added to every request) serves 50 concurrent
pipelines whose builds run for an hour; a real `Worker` loops in a thread as `releasegate
serve` runs it (`Worker.run`: its real idle wait, woken by `work_arrived`) on a temporary
SQLite database, or on `DATABASE_URL`. Approvals come from an in-process ApprovalSource
(the tests' `FakeApprovals`: the platform's answer costs nothing here) through the real
`ingest_approval`. Three figures, from the engine's own audit timestamps, in this order:

1. scheduled fires, first, while the worker has little else to do (no builds to watch
   but these releases' own, so its idle wait of up to a second shows): releases whose
   release time is a few seconds ahead, spread over ten seconds, each timed from that
   time to its TRIGGERING transition (late is positive; early must never happen);
2. approval to trigger: approvals ingested one by one, 100 ms apart, while the releases
   before them keep running (so the worker watches more builds as it goes), each timed
   from the ingest's commit to its QUEUED transition (taken when Jenkins answered the
   trigger POST);
3. watching: with every release running (the releases above plus more, up to 500), the
   Jenkins requests of a steady-state window: ours (the worker's watch passes) and, in
   the same window, the naive approach (one `build` request per release per poll, from
   a few threads of our own with the JenkinsClient). The naive threads share this
   process, so a few polls of ours alone come first for undisturbed pass times.

Prints one JSON object; exits 1 when a target is missed.

    python bench/engine.py [--approvals 200] [--scheduled 50] [--running 500] [--jobs 50]
                           [--window 60] [--poll-seconds 3] [--latency-ms 5]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from bench_catalog import TOKEN, USER, migrate_and_sync

from releasegate.simulators.process import SimulatorProcess

if TYPE_CHECKING:
    from releasegate.releases.engine.context import EngineContext

PROJECT = "bench"
TARGET_TRIGGER_P99_MS = 1000.0
TARGET_LATENESS_MS = 1000.0
SOURCE = "in-process FakeApprovals (releasegate/releases/tests/approvals.py)"


def main() -> int:
    args = _arguments()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="releasegate-bench-") as tmp:
        work = Path(tmp)
        scenario = work / "engine.toml"
        scenario.write_text(_scenario(args), encoding="utf-8")
        options = ("--scenario", str(scenario), "--user", USER, "--token", TOKEN)
        with SimulatorProcess("jenkins", options) as simulator:
            migrate_and_sync(simulator.url, work)
            bench = Bench(simulator.url, args.poll_seconds)
            try:
                result = _run(bench, args)
            finally:
                bench.stop()
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(result, indent=2))
    return 0 if all(result["targets_met"].values()) else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--approvals", type=int, default=200, help="immediate releases, timed")
    parser.add_argument("--interval-ms", type=float, default=100.0, help="between approvals")
    parser.add_argument("--scheduled", type=int, default=50, help="releases with a time ahead")
    parser.add_argument("--lead-seconds", type=int, default=5, help="first release time ahead")
    parser.add_argument("--spread-seconds", type=int, default=10, help="release times span")
    parser.add_argument("--running", type=int, default=500, help="running releases watched")
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--window", type=float, default=60.0, help="seconds of watching counted")
    parser.add_argument("--poll-seconds", type=float, default=3.0)
    parser.add_argument("--latency-ms", type=float, default=5.0)
    parser.add_argument("--naive-threads", type=int, default=4)
    parser.add_argument("--alone-polls", type=int, default=5, help="ours alone, before")
    return parser.parse_args()


def _scenario(args: argparse.Namespace) -> str:
    """Concurrent pipelines whose builds outlast the run, enough executors for all."""
    executors = max(1000, 2 * (args.approvals + args.scheduled + args.running))
    head = f"quiet_period = 0\nexecutors = {executors}\n[faults]\nlatency_ms = {args.latency_ms}\n"
    job = (
        '[[jobs]]\npath = "{path}"\nconcurrent = true\nduration = 3600\n'
        '[[jobs.parameters]]\nname = "BRANCH"\ndefault = "main"\n'
        '[[jobs.parameters]]\nname = "RELEASEGATE_RELEASE_ID"\ndefault = ""\n'
    )
    return head + "".join(job.format(path=path) for path in _jobs(args.jobs))


def _jobs(count: int) -> list[str]:
    return [f"{PROJECT}/app-{n:03d}" for n in range(count)]


@dataclass
class WatchPass:
    started: float
    seconds: float
    releases: int
    requests: int


class Bench:
    """A worker looping in its thread (as in `serve`), and approvals to feed it."""

    def __init__(self, jenkins_url: str, poll_seconds: float) -> None:
        from django.conf import settings

        from releasegate.connections import jenkins_client
        from releasegate.releases.engine.context import EngineContext
        from releasegate.releases.engine.worker import Worker
        from releasegate.releases.tests.approvals import FakeApprovals

        self.url = jenkins_url
        # As `build_worker` makes it, with an in-process approval platform that cannot
        # message anybody (its messages fail as unconfigured).
        options = settings.CONFIG.options.releases.model_copy(
            update={"one_active_per_application": False, "poll_seconds": poll_seconds}
        )
        self.context = EngineContext(
            jenkins=jenkins_client(settings.CONFIG),
            options=options,
            form=settings.CONFIG.options.form,
        )
        self.approvals = FakeApprovals()
        self.worker = Worker(self.context, sources={self.approvals.provider: self.approvals})
        self.passes: list[WatchPass] = []
        self._serial = 0
        self._time_watch_passes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.worker.run, args=(self._stop,), daemon=True)
        self._thread.start()

    def _time_watch_passes(self) -> None:
        """Record every watch pass of the worker (its Jenkins requests, its duration)."""
        from releasegate.releases.engine import worker as worker_module
        from releasegate.releases.engine.watch import watch_due as watch

        def timed(context: EngineContext, limit: int = 1000) -> int:
            before, started = context.jenkins.request_count, time.monotonic()
            looked_at = watch(context, limit)
            if looked_at:
                seconds = time.monotonic() - started
                requests = context.jenkins.request_count - before
                self.passes.append(WatchPass(started, seconds, looked_at, requests))
            return looked_at

        # The worker calls the name it imported: that is the one to wrap.
        self._timing = patch.object(worker_module, "watch_due", timed)
        self._timing.start()

    def approve(self, job: str, release_time: str = "") -> tuple[int, datetime]:
        """Ingest one approval of `job`: the release id and when the ingest committed."""
        from django.utils import timezone

        from releasegate.releases.ingest import ingest_approval
        from releasegate.releases.tests.approvals import ORDER_FORM, instance

        self._serial += 1
        instance_id = f"bench-{self._serial:06d}"
        form = {
            **ORDER_FORM,
            "项目名称": PROJECT,
            "应用名称": job,
            "发布时间": release_time,
            "分支或标签": f"release/{instance_id}",
        }
        self.approvals.instances[instance_id] = instance(instance_id, form=form)
        outcome = ingest_approval(self.approvals, instance_id, via="event", form_vouched=True)
        committed = timezone.now()
        if not outcome.created or outcome.release_id is None:
            raise SystemExit(f"approval {instance_id} was not received: {outcome.describe()}")
        return outcome.release_id, committed

    def stop(self) -> None:
        from releasegate.releases.wakeup import work_arrived

        self._stop.set()
        work_arrived.set()
        self._thread.join(timeout=30)
        self._timing.stop()
        self.context.jenkins.close()


def _run(bench: Bench, args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings

    jobs = _jobs(args.jobs)
    lateness = _scheduled_lateness(bench, jobs, args)
    triggered = _approval_to_trigger(bench, jobs, args)
    watching = _watching(bench, jobs, args)
    engine = str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]
    return {
        "database": engine,
        "approval_source": SOURCE,
        "jenkins": {"jobs": args.jobs, "latency_ms_per_request": args.latency_ms},
        "poll_seconds": args.poll_seconds,
        "approval_to_trigger": triggered,
        "scheduled_fire_lateness": lateness,
        "watching": watching,
        "targets": {
            "approval_to_trigger_p99_ms_below": TARGET_TRIGGER_P99_MS,
            "scheduled_lateness_ms_below": TARGET_LATENESS_MS,
            "watch_requests_per_job_per_poll_at_most": 1,
        },
        "targets_met": {
            # A release that never got there misses the target too.
            "approval_to_trigger": triggered["triggered"] == args.approvals
            and triggered["commit_to_queued_ms"].get("p99", math.inf) < TARGET_TRIGGER_P99_MS,
            "scheduled_never_early": lateness["early"] == 0,
            "scheduled_lateness": lateness["fired"] == args.scheduled
            and lateness["late_ms"].get("max", math.inf) < TARGET_LATENESS_MS,
            "watching": max(
                watching["ours"]["requests_per_job_per_poll"],
                watching["ours_alone_before_the_window"]["requests_per_job_per_poll"],
            )
            <= 1.0,
        },
    }


def _scheduled_lateness(bench: Bench, jobs: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Release times spread evenly (to the millisecond, as an API-started form may give
    them) over the span, so the fires sample every phase of the worker's idle wait."""
    from django.utils import timezone

    from releasegate.releases.models import Release, ReleaseState

    zone = bench.context.options.zone
    first = timezone.now() + timedelta(seconds=args.lead_seconds)
    ids = []
    for n in range(args.scheduled):
        when = first + timedelta(seconds=n * args.spread_seconds / max(args.scheduled, 1))
        text = when.astimezone(zone).replace(tzinfo=None).isoformat(timespec="milliseconds")
        ids.append(bench.approve(jobs[n % len(jobs)], text)[0])
    deadline = args.lead_seconds + args.spread_seconds + 30
    fired = _wait_for(ReleaseState.TRIGGERING, ids, timeout=deadline)
    rows = Release.objects.filter(pk__in=list(fired), scheduled_for__isnull=False)
    late = [_ms(fired[pk] - at) for pk, at in rows.values_list("pk", "scheduled_for") if at]
    return {
        "releases": args.scheduled,
        "ahead_seconds": [args.lead_seconds, args.lead_seconds + args.spread_seconds],
        "fired": len(late),
        "early": sum(1 for ms in late if ms < 0),
        "late_ms": {**_summary(late), "min": round(min(late, default=0.0), 1)},
    }


def _approval_to_trigger(bench: Bench, jobs: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Approvals one by one, `interval_ms` apart, while the releases before them run."""
    from releasegate.releases.models import Release, ReleaseState

    committed: dict[int, datetime] = {}
    running: dict[int, int] = {}
    for n in range(args.approvals):
        watched = Release.objects.filter(state=ReleaseState.RUNNING).count()
        release_id, at = bench.approve(jobs[n % len(jobs)])
        committed[release_id], running[release_id] = at, watched
        time.sleep(args.interval_ms / 1000)
    queued = _wait_for(ReleaseState.QUEUED, list(committed))
    received = _event_times(ReleaseState.RECEIVED, list(committed))
    latency = {pk: _ms(queued[pk] - committed[pk]) for pk in sorted(queued)}
    return {
        "approvals": args.approvals,
        "interval_ms": args.interval_ms,
        "triggered": len(queued),
        "commit_to_queued_ms": _summary(list(latency.values())),
        "received_event_to_queued_event_ms": _summary(
            [_ms(queued[pk] - received[pk]) for pk in queued]
        ),
        "by_running_releases": _by_quarter(latency, running),
    }


def _by_quarter(latency: dict[int, float], running: dict[int, int]) -> list[dict[str, Any]]:
    """The approvals in four groups, in arrival order, each with how many releases the
    worker was watching meanwhile."""
    ids = list(latency)
    size = max(1, math.ceil(len(ids) / 4))
    groups = [ids[n : n + size] for n in range(0, len(ids), size)]
    return [
        {
            "running": [running[group[0]], running[group[-1]]],
            **{k: v for k, v in _summary([latency[pk] for pk in group]).items() if k != "mean"},
        }
        for group in groups
    ]


def _watching(bench: Bench, jobs: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Ours alone for a few polls (undisturbed pass times), then the counted window with
    the naive loop beside it."""
    from releasegate.simulators.jenkins.control import SimulatorControl

    targets = _all_running(bench, jobs, args)
    watched = len({job for job, _ in targets})
    alone, alone_seconds = time.monotonic(), args.alone_polls * args.poll_seconds
    time.sleep(alone_seconds)
    control = SimulatorControl(bench.url)
    control.reset_requests()
    before, start = bench.context.jenkins.request_count, time.monotonic()
    naive = _naive(bench.url, targets, args, start, start + args.window)
    seen_by_jenkins = control.requests()["total"]
    control.close()
    ours = _ours(bench, start, args.window, args.poll_seconds, watched)
    ours["requests_by_client_count"] = bench.context.jenkins.request_count - before
    naive["requests_per_poll"] = round(naive["requests"] * args.poll_seconds / args.window, 1)
    naive["requests_per_minute"] = round(naive["requests"] * 60 / args.window, 1)
    return {
        "running_releases": len(targets),
        "jobs_watched": watched,
        "window_seconds": args.window,
        "polls_in_window": args.window / args.poll_seconds,
        "ours": ours,
        "naive": naive,
        "naive_to_ours_ratio": round(naive["requests"] / max(ours["requests"], 1), 1),
        "requests_jenkins_counted": seen_by_jenkins,
        "ours_alone_before_the_window": {
            "seconds": alone_seconds,
            **_ours(bench, alone, alone_seconds, args.poll_seconds, watched),
        },
    }


def _all_running(bench: Bench, jobs: list[str], args: argparse.Namespace) -> list[tuple[str, int]]:
    """Top up to `running` releases, wait until all run and have been looked at; the job
    and build number of each."""
    from releasegate.releases.models import Release, ReleaseState

    extra = max(0, args.running - args.approvals - args.scheduled)
    ids = [bench.approve(jobs[n % len(jobs)])[0] for n in range(extra)]
    _wait_for(ReleaseState.RUNNING, ids, timeout=120)
    _wait_until(lambda: not Release.objects.exclude(state=ReleaseState.RUNNING).exists(), 60)
    time.sleep(args.poll_seconds)  # past the first looks at the newest builds
    running = Release.objects.filter(state=ReleaseState.RUNNING)
    return [
        (job, number or 0) for job, number in running.values_list("job_full_name", "build_number")
    ]


def _ours(bench: Bench, start: float, seconds: float, poll: float, jobs: int) -> dict[str, Any]:
    """The worker's watch passes that began in [start, start + seconds)."""
    passes = [p for p in bench.passes if start <= p.started < start + seconds]
    requests = sum(p.requests for p in passes)
    polls = seconds / poll
    return {
        "requests": requests,
        "requests_per_poll": round(requests / polls, 1),
        "requests_per_minute": round(requests * 60 / seconds, 1),
        "requests_per_job_per_poll": round(requests / polls / max(jobs, 1), 2),
        "watch_passes": len(passes),
        "releases_per_pass": _summary([float(p.releases) for p in passes]),
        "requests_per_pass": _summary([float(p.requests) for p in passes]),
        "pass_ms": _summary([p.seconds * 1000 for p in passes]),
    }


@dataclass
class NaiveLoop:
    """One `build` request per release per poll, for a slice of the releases."""

    url: str
    targets: list[tuple[str, int]]
    poll: float
    start: float
    end: float
    requests: int = 0
    polls: int = 0
    overran: int = 0
    failures: list[str] = field(default_factory=list)

    def run(self) -> None:
        from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
        from releasegate.lib.http import OutboundError, Timeouts

        with JenkinsClient(self.url, ApiTokenAuth(USER, TOKEN), timeouts=Timeouts.uniform(15)) as c:
            for tick in range(math.ceil((self.end - self.start) / self.poll)):
                time.sleep(max(0.0, self.start + tick * self.poll - time.monotonic()))
                for job, number in self.targets:
                    if time.monotonic() >= self.end:
                        return
                    try:
                        c.build(job, number)
                    except OutboundError as exc:
                        self.failures.append(str(exc))
                    self.requests += 1
                self.polls += 1
                self.overran += time.monotonic() > self.start + (tick + 1) * self.poll


def _naive(
    url: str, targets: list[tuple[str, int]], args: argparse.Namespace, start: float, end: float
) -> dict[str, Any]:
    count = max(1, args.naive_threads)
    loops = [NaiveLoop(url, targets[n::count], args.poll_seconds, start, end) for n in range(count)]
    threads = [threading.Thread(target=loop.run) for loop in loops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "threads": count,
        "requests": sum(loop.requests for loop in loops),
        "polls_completed": min(loop.polls for loop in loops),
        "polls_overran": sum(loop.overran for loop in loops),
        "failures": sum(len(loop.failures) for loop in loops),
    }


def _wait_for(state: str, ids: list[int], timeout: float = 60.0) -> dict[int, datetime]:
    """When each release moved to `state` (audit time), once all did or time is up."""
    _wait_until(lambda: len(_event_times(state, ids)) == len(ids), timeout)
    return _event_times(state, ids)


def _event_times(state: str, ids: list[int]) -> dict[int, datetime]:
    from releasegate.releases.models import ReleaseEvent

    rows = ReleaseEvent.objects.filter(release_id__in=ids, to_state=state)
    return dict(rows.values_list("release_id", "at"))


def _wait_until(done: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return
        time.sleep(0.1)


def _ms(delta: timedelta) -> float:
    return delta.total_seconds() * 1000


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50": round(statistics.median(ordered), 1),
        "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.fmean(ordered), 1),
    }


if __name__ == "__main__":
    sys.exit(main())
