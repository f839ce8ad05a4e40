"""Driving the engine in tests: a real Jenkins simulator over sockets, an injected clock
moved together with the simulator's, and approvals ingested from an in-process source."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings

from releasegate.catalog.sync import run_sync
from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER
from releasegate.config import CatalogOptions, Freeze, ReleaseOptions, ReleaseWindow
from releasegate.config.options import Weekday
from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.lib.http import Timeouts
from releasegate.releases.engine.context import EngineContext
from releasegate.releases.engine.worker import Worker
from releasegate.releases.ingest import ingest_approval
from releasegate.releases.models import Release
from releasegate.releases.tests.approvals import ORDER_FORM, FakeApprovals, instance, sources
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.scenario import JobSpec, load_scenario
from releasegate.simulators.jenkins.server import JenkinsSimulator

WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Crash(BaseException):
    """The worker's process died here: nothing after this point ran. (A BaseException,
    so no `except Exception` in the engine mistakes it for a failure to handle.)"""


def dies(function: Callable[..., Any], *, after: bool = False) -> Callable[..., Any]:
    """`function`, except that its first call kills the worker: before it does anything,
    or `after` it did it. Install it with `monkeypatch.setattr`."""
    calls = 0

    def dying(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > 1:
            return function(*args, **kwargs)
        if after:
            function(*args, **kwargs)
        raise Crash(getattr(function, "__name__", "the worker"))

    return dying


class Clock:
    """The engine's clock: starts at the real now, moves only when told."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


class Harness:
    def __init__(self, simulator: JenkinsSimulator, options: ReleaseOptions) -> None:
        self.sim = SimulatorControl(simulator.url)
        self._url = simulator.url
        self._clients: list[JenkinsClient] = []
        self.jenkins = self.client()
        self.clock = Clock()
        self.context = EngineContext(jenkins=self.jenkins, options=options, clock=self.clock)
        self.approvals = FakeApprovals()
        self.worker = Worker(self.context, sources=sources(self.approvals))
        self.sync()

    def sync(self) -> None:
        """Sync the catalog from the simulator (after `sim.put_job(...)`, say)."""
        run_sync(self.jenkins, CatalogOptions())

    def put_job(self, path: str, *, sync: bool = True, **fields: Any) -> None:
        """Define a job in Jenkins (a demo job's definition with `fields` changed, or a
        new one), then sync the catalog unless told not to."""
        demo = {job.path: job for job in load_scenario("demo").jobs}
        spec = (
            demo[path].model_copy(update=fields) if path in demo else JobSpec(path=path, **fields)
        )
        self.sim.put_job(**JobSpec.model_validate(spec.model_dump()).model_dump())
        if sync:
            self.sync()

    def client(
        self, user: str = DEMO_USER, token: str = DEMO_TOKEN, timeout: float = 3
    ) -> JenkinsClient:
        """A client of the simulated Jenkins (closed with the harness)."""
        client = JenkinsClient(
            self._url, ApiTokenAuth(user, token), timeouts=Timeouts.uniform(timeout)
        )
        self._clients.append(client)
        return client

    def another_worker(self) -> Worker:
        """A second worker, as another process would run it: its own Jenkins client,
        the same clock and options."""
        return Worker(
            EngineContext(jenkins=self.client(), options=self.context.options, clock=self.clock),
            sources=sources(self.approvals),
        )

    def triggered(self, release: Release) -> bool:
        """Jenkins has been asked for its build (one pass may take it on to RUNNING)."""
        return self.state(release) in ("QUEUED", "RUNNING", "WAITING_INPUT", "SUCCEEDED")

    def local(self, seconds: float = 0) -> datetime:
        """The engine's now (plus `seconds`) in the release time zone."""
        return (self.clock.now + timedelta(seconds=seconds)).astimezone(self.context.options.zone)

    def release_time(self, seconds: float) -> str:
        """The form's release time `seconds` from now, as DingTalk's date control writes
        it (minutes, local time)."""
        return f"{self.local(seconds):%Y-%m-%d %H:%M}"

    def window_on_other_days(self, start: str = "00:00", end: str = "24:00") -> ReleaseWindow:
        """A release window open every day but today (local time): closed now."""
        today = WEEKDAYS[self.local().weekday()]
        return ReleaseWindow(days=[d for d in WEEKDAYS if d != today], start=start, end=end)

    def freeze_around_now(self, reason: str, before: float = 3600, after: float = 3600) -> Freeze:
        """A freeze from `before` seconds ago to `after` seconds from now (local time)."""
        start, end = self.local(-before), self.local(after)
        return Freeze(start=start.replace(tzinfo=None), end=end.replace(tzinfo=None), reason=reason)

    def approve(
        self,
        instance_id: str = "inst-1",
        form: Mapping[str, str] | None = None,
        **changes: Any,
    ) -> Release:
        """An approval of `form` (the order-service form by default), decided at the
        engine's now and ingested."""
        changes.setdefault("decided_at", self.clock())
        self.approvals.instances[instance_id] = instance(
            instance_id, form={**ORDER_FORM, **(form or {})}, **changes
        )
        outcome = ingest_approval(
            self.approvals, instance_id, via="event", form_vouched=True, now=self.clock()
        )
        assert outcome.release_id is not None, outcome
        return Release.objects.get(pk=outcome.release_id)

    def tick(self, seconds: float) -> None:
        """Time passes, for ReleaseGate and for Jenkins alike."""
        self.clock.now += timedelta(seconds=seconds)
        self.sim.advance(seconds)

    def run(self, passes: int = 1, seconds: float = 0.0) -> None:
        for _ in range(passes):
            self.worker.run_once()
            if seconds:
                self.tick(seconds)

    def until(self, done: Callable[[], bool], *, seconds: float = 1.0, passes: int = 200) -> None:
        """Run passes, `seconds` apart, until `done()`; fails the test if it never is."""
        for _ in range(passes):
            if done():
                return
            self.run(seconds=seconds)
        if not done():
            pytest.fail(f"not done after {passes} passes")

    def state(self, release: Release) -> str:
        release.refresh_from_db()
        return release.state

    def trail(self, release: Release) -> list[tuple[str, str]]:
        """The release's audit trail as (kind, to_state), oldest first, from its arrival:
        the approvers' decisions before it are left to the tests about them."""
        events = release.events.exclude(kind="approver-decision")
        return [(event.kind, event.to_state) for event in events]

    def close(self) -> None:
        self.sim.close()
        for client in self._clients:
            client.close()


@pytest.fixture
def engine_options() -> ReleaseOptions:
    """The release options the engine runs with (tests override fields)."""
    return settings.CONFIG.options.releases.model_copy()


@pytest.fixture
def harness(
    start_jenkins: Callable[..., JenkinsSimulator], engine_options: ReleaseOptions
) -> Iterator[Harness]:
    running = Harness(start_jenkins(), engine_options)
    yield running
    running.close()
