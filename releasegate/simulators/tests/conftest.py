"""A running DeliveryLoop and its queue, stopped after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from releasegate.simulators.tests.work_queue import WorkQueue


@pytest.fixture
def work() -> Iterator[WorkQueue]:
    queue = WorkQueue()
    queue.loop.start()
    yield queue
    queue.gate.set()
    queue.loop.stop()
