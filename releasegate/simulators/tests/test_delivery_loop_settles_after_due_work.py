"""`settle()` returns once everything due by now was delivered: work in flight holds it
up, work due later does not, and it gives up after its timeout."""

from __future__ import annotations

from releasegate.simulators.tests.work_queue import WorkQueue


def test_it_returns_once_the_work_due_now_was_delivered(work: WorkQueue) -> None:
    work.add("first")
    work.add("second")

    assert work.loop.settle(timeout=5)
    assert work.delivered == ["first", "second"]


def test_work_due_later_does_not_hold_it_up(work: WorkQueue) -> None:
    work.add("now")
    work.add("later", due_in=30)

    assert work.loop.settle(timeout=5)
    assert work.delivered == ["now"]


def test_it_gives_up_after_its_timeout_while_a_delivery_is_in_flight(work: WorkQueue) -> None:
    work.gate.clear()
    work.add("slow")

    assert not work.loop.settle(timeout=0.05)

    work.gate.set()
    assert work.loop.settle(timeout=5)
    assert work.delivered == ["slow"]


def test_with_nothing_queued_it_returns_at_once(work: WorkQueue) -> None:
    assert work.loop.settle(timeout=0)
