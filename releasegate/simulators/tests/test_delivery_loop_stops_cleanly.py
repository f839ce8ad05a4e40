"""`stop()` ends the delivery thread, and is harmless on a loop that never started."""

from __future__ import annotations

import threading

from releasegate.simulators.tests.work_queue import WorkQueue


def test_it_ends_the_thread() -> None:
    work = WorkQueue()
    work.loop.start()

    work.loop.stop()

    assert "test-delivery" not in [thread.name for thread in threading.enumerate()]


def test_a_loop_never_started_stops_at_once() -> None:
    WorkQueue().loop.stop()
