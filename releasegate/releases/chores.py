"""Periodic chores (catalog sync, reconcile), each done by one worker at a time however
many run: a worker claims the chore's turn with a conditional update before doing it.

A chore's turn only ever moves forward, so once a worker has read it, it does not ask the
database again before then: an idle worker offers its chores every pass, a second apart,
and in `releasegate serve` each look at the row is a read and a write that the request
threads wait on (they share the process and its SQLite database).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from releasegate.lib.http import OutboundError
from releasegate.releases.models import Chore

logger = logging.getLogger("releasegate.chores")


class Periodic:
    """`work(now) -> outcome` every `interval`, as a worker loop chore."""

    def __init__(self, name: str, interval: timedelta, work: Callable[[datetime], str]) -> None:
        self.name, self.interval, self.work = name, interval, work
        # The chore's turn as this worker last saw it: nobody runs it before then.
        self._not_before: datetime | None = None

    def __call__(self, now: datetime) -> bool:
        """Run the chore if its turn has come and this worker claims it; True if it ran."""
        if self.interval <= timedelta(0) or not self._claim(now):
            return False
        try:
            outcome = self.work(now)
        except OutboundError as exc:
            # Run again at its next turn either way; permanent: not before someone acts.
            logger.log(
                logging.ERROR if exc.permanent else logging.WARNING,
                "chore %s failed: %s",
                self.name,
                exc,
                extra={"chore": self.name, "service": exc.service, "status": exc.status},
            )
            outcome = f"failed: {exc}"
        except Exception as exc:  # a chore failing must not stop the worker; it is logged
            logger.exception("chore %s failed", self.name)
            outcome = f"failed: {exc}"
        Chore.objects.filter(name=self.name).update(last_run_at=now, last_outcome=outcome[:2000])
        return True

    def _claim(self, now: datetime) -> bool:
        if self._not_before is not None and now < self._not_before:
            return False
        chore, _ = Chore.objects.get_or_create(name=self.name, defaults={"next_run_at": now})
        if chore.next_run_at > now:
            self._not_before = chore.next_run_at
            return False
        claimed = Chore.objects.filter(name=self.name, next_run_at__lte=now).update(
            next_run_at=now + self.interval
        )
        if claimed:
            self._not_before = now + self.interval
        return claimed == 1
