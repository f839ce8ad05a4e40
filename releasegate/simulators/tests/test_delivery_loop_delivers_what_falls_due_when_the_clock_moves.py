"""Work due later is delivered once the owner's clock reaches it and the loop is woken,
not before; the clock is the owner's, never the real one."""

from __future__ import annotations

from releasegate.simulators.tests.work_queue import WorkQueue


def test_work_waits_until_the_clock_reaches_it(work: WorkQueue) -> None:
    work.add("retry", due_in=30)

    work.clock.advance(29)
    work.loop.wake()

    assert work.loop.settle(timeout=5)
    assert work.delivered == []


def test_work_is_delivered_once_the_clock_reaches_it(work: WorkQueue) -> None:
    work.add("retry", due_in=30)

    work.clock.advance(30)
    work.loop.wake()

    assert work.loop.settle(timeout=5)
    assert work.delivered == ["retry"]


def test_work_is_delivered_in_the_order_it_falls_due(work: WorkQueue) -> None:
    work.add("second", due_in=20)
    work.add("first", due_in=10)

    work.clock.advance(10)
    work.loop.wake()
    assert work.loop.settle(timeout=5)
    work.clock.advance(10)
    work.loop.wake()
    assert work.loop.settle(timeout=5)

    assert work.delivered == ["first", "second"]
