"""The same approval arriving many times through every way in, all at once, while two
workers (two threads, each with its own database connection and Jenkins client) run
side by side: one release and one build. CI runs this on PostgreSQL too."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection

from releasegate.config import InputRule, ReleaseOptions
from releasegate.releases.engine.worker import Worker
from releasegate.releases.inbox import process, record_delivery
from releasegate.releases.models import Approval, InboundEvent, Release, ReleaseEvent, ReleaseState
from releasegate.releases.models.release import TERMINAL_STATES
from releasegate.releases.tests.approvals import (
    ORDER_FORM,
    PROVIDER,
    instance,
    sources,
)
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db(transaction=True)

ORDER = "mall/order-service"
WAYS_IN = ("event", "stream", "connector") * 4
S = ReleaseState


@pytest.fixture
def engine_options(engine_options: ReleaseOptions) -> ReleaseOptions:
    rule = InputRule(job=ORDER, input_id="Deploy-approval", action="proceed")
    return engine_options.model_copy(update={"inputs": [rule]})


class Side:
    """Threads that start together, each with its own database connection; failures
    are collected for the test to assert on."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.failures: list[BaseException] = []

    def add(self, target: Callable[[], None]) -> None:
        def run() -> None:
            try:
                target()
            except BaseException as exc:  # collected and asserted by the test
                self.failures.append(exc)
            finally:
                connection.close()

        self.threads.append(threading.Thread(target=run))

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(30)


def run_side_by_side(harness: Harness, workers: list[Worker], done: Callable[[], bool]) -> Side:
    """Rounds of the workers' passes, all workers at once, the clock moving a second
    between rounds, until `done()`."""
    side = Side()
    rounds = threading.Barrier(len(workers) + 1, timeout=30)
    stop = threading.Event()

    def work(worker: Worker) -> None:
        try:
            while not stop.is_set():
                worker.run_once()
                rounds.wait()  # every worker has made its pass
                rounds.wait()  # the clock moved (or it is time to stop)
        except BaseException:
            rounds.abort()
            raise

    for worker in workers:
        side.add(partial(work, worker))
    side.start()
    try:
        for _ in range(60):
            rounds.wait()
            if done():
                stop.set()
            else:
                harness.tick(1)
            rounds.wait()
            if stop.is_set():
                break
        else:
            stop.set()
            rounds.abort()  # never done: free the workers; the test's assertions say what
    except BaseException:
        stop.set()
        rounds.abort()
        raise
    side.join()
    return side


def test_every_delivery_at_once_with_two_workers_makes_one_release_and_one_build(
    harness: Harness,
) -> None:
    # One platform for the arrivals and the workers: a worker's pass may take up a
    # delivery before its arrival thread does, and must find the same approval there.
    source = harness.approvals
    source.instances["inst-race"] = instance("inst-race")
    deliveries = [
        record_delivery(
            via=via,
            event_type="connector_node" if via == "connector" else "bpms_instance_change",
            provider=PROVIDER,
            instance_id="inst-race",
            delivery_id=f"{via}-{n}",
            payload={},
            now=harness.clock(),
        ).pk
        for n, via in enumerate(WAYS_IN)
    ]
    arrivals = Side()
    start = threading.Barrier(len(deliveries), timeout=10)

    def arrive(event_id: int) -> None:
        start.wait()
        process(event_id, sources(source), now=harness.clock())

    for pk in deliveries:
        arrivals.add(partial(arrive, pk))
    arrivals.start()
    workers = [harness.another_worker(), harness.another_worker()]

    side = run_side_by_side(
        harness, workers, lambda: Release.objects.filter(state=S.SUCCEEDED).exists()
    )
    arrivals.join()

    assert arrivals.failures == side.failures == []
    assert Approval.objects.count() == 1
    [release] = Release.objects.all()
    assert release.state == S.SUCCEEDED
    outcomes = list(InboundEvent.objects.values_list("outcome", flat=True))
    assert sum(outcome.endswith(" created") for outcome in outcomes) == 1
    [build] = harness.sim.builds()
    assert build["parameters"] == release.approved_parameters
    assert (build["number"], build["result"]) == (release.build_number, "SUCCESS")
    assert release.events.filter(to_state=S.TRIGGERING).count() == 1


def test_two_workers_never_run_two_releases_of_one_application_at_once(
    harness: Harness,
) -> None:
    tags = ("v3.8.0", "v3.7.2", "v3.7.1", "v3.8.0")
    for n, tag in enumerate(tags):
        harness.approve(f"inst-{n}", form={**ORDER_FORM, "分支或标签": tag})
    workers = [harness.another_worker(), harness.another_worker()]
    for worker in workers:
        worker.batch = 1

    side = run_side_by_side(
        harness,
        workers,
        lambda: Release.objects.exclude(state__in=TERMINAL_STATES).count() == 0,
    )

    assert side.failures == []
    assert set(Release.objects.values_list("state", flat=True)) == {S.SUCCEEDED}
    assert len(harness.sim.builds(ORDER)) == len(tags)
    running = 0
    for event in ReleaseEvent.objects.filter(kind="state").order_by("pk"):
        if event.to_state == S.TRIGGERING:
            running += 1
        elif event.to_state in TERMINAL_STATES:
            running -= 1
        assert running <= 1, f"two releases of {ORDER} ran at once"
