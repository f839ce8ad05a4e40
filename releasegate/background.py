"""The background work of a `releasegate serve` process: the worker in a thread, plus a
periodic catalog sync. Production runs `releasegate worker` processes instead."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from releasegate.config import Config
from releasegate.connections import dingtalk_client, group_robot, jenkins_client
from releasegate.lib.http import OutboundError
from releasegate.releases import inbox
from releasegate.releases.engine.context import EngineContext
from releasegate.releases.engine.worker import Worker

logger = logging.getLogger("releasegate.background")


class CatalogSync:
    """Sync the catalog every `interval` (a chore of the worker loop)."""

    def __init__(self, config: Config, interval: timedelta) -> None:
        self.config, self.interval = config, interval
        self.last: datetime | None = None

    def __call__(self, now: datetime) -> bool:
        if not self.interval or (self.last is not None and now - self.last < self.interval):
            return False
        from releasegate.catalog.sync import run_sync

        self.last = now
        with jenkins_client(self.config) as client:
            try:
                run_sync(client, self.config.options.catalog)
            except OutboundError as exc:
                logger.warning("periodic catalog sync failed: %s", exc)
        return True


def build_worker(config: Config, *, chores: tuple[CatalogSync, ...] = ()) -> Worker:
    """A worker for this configuration: its own Jenkins client (clients are per thread),
    the process's shared DingTalk client, the group robot when one is configured."""
    context = EngineContext(jenkins=jenkins_client(config), options=config.options.releases)
    dingtalk = dingtalk_client(config) if config.dingtalk is not None else None
    return Worker(context, dingtalk=dingtalk, robot=group_robot(config), chores=chores)


class Background:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._stop = threading.Event()
        interval = timedelta(minutes=config.options.catalog.sync_interval_minutes)
        self._worker = build_worker(config, chores=(CatalogSync(config, interval),))
        self._thread = threading.Thread(
            target=self._worker.run, args=(self._stop,), name="worker", daemon=True
        )

    def start(self) -> None:
        inbox.dispatcher.source_factory = lambda: dingtalk_client(self.config)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)
