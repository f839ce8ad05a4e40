"""The worker: the loop that moves releases forward, watches builds, delivers the outbox
and works off the inbox. `releasegate worker` runs it on its own; `releasegate serve`
runs it in a thread beside the web server.

The loop is thin on purpose: each pass claims what is due and runs one step of each;
when nothing was due it waits at most a second (less when new work is announced).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import close_old_connections

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.robot import GroupRobot
from releasegate.releases import inbox, outbox
from releasegate.releases.engine.context import EngineContext
from releasegate.releases.engine.fence import STEPPED, claim_due
from releasegate.releases.engine.steps import step
from releasegate.releases.engine.watch import watch_due
from releasegate.releases.wakeup import work_arrived

logger = logging.getLogger("releasegate.worker")
IDLE_SECONDS = 1.0


@dataclass
class Worker:
    context: EngineContext
    dingtalk: DingTalkClient | None = None
    robot: GroupRobot | None = None
    batch: int = 20
    # Periodic work (catalog sync, reconcile), offered every pass; True when it ran.
    chores: tuple[Callable[[datetime], bool], ...] = ()

    def run_once(self) -> bool:
        """One pass; True if it found anything to do (so look again at once)."""
        now = self.context.clock()
        worked = False
        for release_id, version in claim_due(STEPPED, now, self.batch):
            step(self.context, release_id, version)
            worked = True
        worked |= watch_due(self.context) > 0
        worked |= outbox.deliver_due(self.dingtalk, self.robot, now=now) > 0
        if self.dingtalk is not None:
            for event_id in inbox.pending(now=now):
                inbox.process(event_id, self.dingtalk)
                worked = True
        for chore in self.chores:
            worked |= chore(now)
        return worked

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop` is set; a failing pass is logged and the loop goes on."""
        while not stop.is_set():
            try:
                worked = self.run_once()
            except Exception:  # the worker must outlive any one failure; it is logged
                logger.exception("worker pass failed")
                worked = False
            finally:
                close_old_connections()
            if not worked and not stop.is_set():
                work_arrived.wait(IDLE_SECONDS)
                work_arrived.clear()
