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
from releasegate.config import CatalogOptions, ReleaseOptions
from releasegate.integrations.jenkins.client import ApiTokenAuth, JenkinsClient
from releasegate.lib.http import Timeouts
from releasegate.releases.engine.context import EngineContext
from releasegate.releases.engine.worker import Worker
from releasegate.releases.ingest import ingest_approval
from releasegate.releases.models import Release
from releasegate.releases.tests.approvals import ORDER_FORM, PROCESS_CODE, FakeDingTalk, instance
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.server import JenkinsSimulator


class Clock:
    """The engine's clock: starts at the real now, moves only when told."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


class Harness:
    def __init__(self, simulator: JenkinsSimulator, options: ReleaseOptions) -> None:
        self.sim = SimulatorControl(simulator.url)
        self.jenkins = JenkinsClient(
            simulator.url, ApiTokenAuth(DEMO_USER, DEMO_TOKEN), timeouts=Timeouts.uniform(3)
        )
        self.clock = Clock()
        self.context = EngineContext(jenkins=self.jenkins, options=options, clock=self.clock)
        self.worker = Worker(self.context)
        self.dingtalk = FakeDingTalk()
        run_sync(self.jenkins, CatalogOptions())

    def approve(
        self,
        instance_id: str = "inst-1",
        form: Mapping[str, str] | None = None,
        **changes: Any,
    ) -> Release:
        """An approval of `form` (the order-service form by default), ingested."""
        self.dingtalk.instances[instance_id] = instance(
            instance_id, form={**ORDER_FORM, **(form or {})}, **changes
        )
        options = settings.CONFIG.options
        outcome = ingest_approval(
            self.dingtalk,
            instance_id,
            via="event",
            mapping=options.dingtalk.form,
            process_code=PROCESS_CODE,
            options=self.context.options,
            now=self.clock(),
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

    def close(self) -> None:
        self.sim.close()
        self.jenkins.close()


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
