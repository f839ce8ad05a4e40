"""The worker: the loop that moves releases forward, watches builds, delivers the outbox
and works off the inbox. `releasegate worker` runs it on its own; `releasegate serve`
runs it in a thread beside the web server.

The loop is thin on purpose: each pass claims what is due and runs one step of each;
when nothing was due it waits at most a second (less when new work is announced).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import close_old_connections
from django.db.models import Min

from releasegate.releases import inbox, outbox
from releasegate.releases.approvals.ports import ApprovalSource, Messenger
from releasegate.releases.engine.context import EngineContext
from releasegate.releases.engine.fence import STEPPED, WATCHED, claim_due
from releasegate.releases.engine.steps import step
from releasegate.releases.engine.watch import watch_due
from releasegate.releases.models import Release
from releasegate.releases.wakeup import work_arrived

logger = logging.getLogger("releasegate.worker")
IDLE_SECONDS = 1.0


@dataclass
class Worker:
    context: EngineContext
    # The approval platforms, by name: where deliveries are checked, how people are told.
    sources: Mapping[str, ApprovalSource] = field(default_factory=dict)
    messengers: Mapping[str, Messenger] = field(default_factory=dict)
    batch: int = 20
    # Periodic work (catalog sync, reconcile), offered every pass; True when it ran.
    chores: tuple[Callable[[datetime], bool], ...] = ()

    def run_once(self) -> bool:
        """One pass; True if it found anything to do (so look again at once)."""
        now = self.context.clock()
        worked = self._step_due(now)
        worked |= watch_due(self.context) > 0
        # Releases that arrived or came due while the builds were watched go now, not
        # after a whole pass.
        worked |= self._step_due(self.context.clock())
        worked |= outbox.deliver_due(self.messengers, now=now) > 0
        for event_id in inbox.pending(now=now):
            inbox.process(event_id, self.sources)
            worked = True
        for chore in self.chores:
            worked |= chore(now)
        return worked

    def _step_due(self, now: datetime) -> bool:
        claimed = claim_due(STEPPED, now, self.batch, self.context.lease)
        for release_id, version in claimed:
            step(self.context, release_id, version)
        return bool(claimed)

    def idle_seconds(self) -> float:
        """How long to wait when there was nothing to do: at most a second, less when a
        release comes due sooner (so a scheduled release fires on time)."""
        upcoming: datetime | None = Release.objects.filter(
            state__in=(*STEPPED, *WATCHED), next_run_at__isnull=False
        ).aggregate(first=Min("next_run_at"))["first"]
        if upcoming is None:
            return IDLE_SECONDS
        wait = (upcoming - self.context.clock()).total_seconds()
        return min(max(wait, 0.0), IDLE_SECONDS)

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop` is set; a failing pass is logged and the loop goes on."""
        while not stop.is_set():
            pause = self._pass()
            if pause and not stop.is_set():
                work_arrived.wait(pause)
                work_arrived.clear()

    def _pass(self) -> float:
        """One pass, whatever fails in it; how long to wait before the next (0: at once).
        The wait is asked of the database too, so it is inside the guard: while the
        database restarts, every query fails until it is back, and the worker must wait
        a second and try again, not die (a restart under a running worker did)."""
        try:
            worked = self.run_once()
            return 0.0 if worked else self.idle_seconds()
        except Exception:  # the worker must outlive any one failure; it is logged
            logger.exception("worker pass failed")
            return IDLE_SECONDS
        finally:
            # A connection the failure broke is dropped here; the next pass opens another.
            close_old_connections()
