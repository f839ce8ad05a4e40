"""A simulator's background delivery: one thread that does whatever falls due (an event
push, a connector node call, a Stream frame), woken when work arrives or the simulator's
clock moves, and `settle()` for callers that must see every delivery due by now made
before they answer (the control API, so a test sees the outcome without waiting).

The owner keeps its queue behind the loop's condition, `changed`, and says through four
callbacks what is due, how to deliver it, whether anything due is still undelivered and
when something next falls due. Times are the owner's clock, which tests move; only
`settle`'s timeout is real time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

Work = TypeVar("Work")

# The longest the thread sleeps when idle, so a change nobody woke it for is still
# noticed within a second.
IDLE_WAIT_MAX = 1.0
# The shortest: work due but not yet taken (in flight, say) must not spin the thread.
IDLE_WAIT_MIN = 0.01
STOP_WAIT = 5.0


class DeliveryLoop(Generic[Work]):
    """One delivery thread and its condition.

    Every callback but `deliver` is called holding `changed`:
    - `take_due(now)`: the work to do now, marked as taken by the owner, or None;
    - `deliver(work)`: do it, without the lock (it takes `changed` to record the outcome);
      waiters are woken when it returns;
    - `busy(now)`: whether something due by `now` is not delivered yet (in flight counts);
    - `due_times()`: when (owner's clock) work not yet done falls due; may be empty.

    The owner holds `changed` whenever it reads or changes its queue, and notifies it when
    work arrives or an outcome is recorded outside `deliver`.
    """

    def __init__(
        self,
        name: str,
        now: Callable[[], float],
        *,
        take_due: Callable[[float], Work | None],
        deliver: Callable[[Work], None],
        busy: Callable[[float], bool],
        due_times: Callable[[], list[float]],
    ) -> None:
        self.changed = threading.Condition()
        self._name = name
        self._now = now
        self._take_due = take_due
        self._deliver = deliver
        self._busy = busy
        self._due_times = due_times
        self._thread: threading.Thread | None = None
        self._stopped = False

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread once its current delivery is over (waiting at most 5 s)."""
        with self.changed:
            self._stopped = True
            self.changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=STOP_WAIT)

    def wake(self) -> None:
        """Work may have fallen due: it arrived, or the clock moved."""
        with self.changed:
            self.changed.notify_all()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing due by now is undelivered; False when `timeout` seconds of
        real time passed first."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while self._busy(self._now()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.changed.wait(remaining)
        return True

    def _run(self) -> None:
        while True:
            with self.changed:
                if self._stopped:
                    return
                work = self._take_due(self._now())
                if work is None:
                    self.changed.wait(self._idle_seconds())
                    continue
            self._deliver(work)
            self.wake()

    def _idle_seconds(self) -> float:
        due_times = self._due_times()
        if not due_times:
            return IDLE_WAIT_MAX
        return min(max(min(due_times) - self._now(), IDLE_WAIT_MIN), IDLE_WAIT_MAX)
