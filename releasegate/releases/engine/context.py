"""What the engine works with: Jenkins, the catalog, the options, the form mapping and the
clock, passed in
so tests and benchmarks can give it simulators and an injected clock."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from releasegate.catalog import snapshot
from releasegate.catalog.snapshot import CatalogSnapshot
from releasegate.config import FormMapping, ReleaseOptions
from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.releases.engine.fence import LEASE

# Jenkins' clock and ours may disagree this much when matching builds after a crash.
CLOCK_SKEW = timedelta(seconds=60)


@dataclass
class EngineContext:
    jenkins: JenkinsClient
    options: ReleaseOptions
    clock: Callable[[], datetime] = timezone.now
    catalog: Callable[[], CatalogSnapshot] = snapshot.current
    jitter: random.Random = field(default_factory=random.Random)
    # How long a worker's claim on a release lasts (fence.lease_for).
    lease: timedelta = LEASE
    # How the approval form's fields read as a request (the rules judge the request).
    form: FormMapping = field(default_factory=FormMapping)

    @property
    def poll(self) -> timedelta:
        return timedelta(seconds=self.options.poll_seconds)

    def backoff(self, attempts: int) -> timedelta:
        """Exponential (2 s, 4 s, 8 s …, at most 5 minutes) with ±25 % jitter, so many
        releases failing together do not retry together."""
        base = min(2.0 * 2 ** max(attempts - 1, 0), 300.0)
        return timedelta(seconds=base * self.jitter.uniform(0.75, 1.25))
