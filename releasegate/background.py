"""The worker as a process runs it: the engine, the inbox, the outbox and the periodic
chores (catalog sync, reconcile). `releasegate serve` runs one in a thread beside the web
server; `releasegate worker` runs one on its own."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from releasegate.config import Config
from releasegate.connections import dingtalk_client, group_robot, jenkins_client
from releasegate.lib.http import Timeouts
from releasegate.releases import inbox
from releasegate.releases.chores import Periodic
from releasegate.releases.engine.context import EngineContext
from releasegate.releases.engine.fence import lease_for
from releasegate.releases.engine.worker import Worker


def chores(config: Config) -> tuple[Periodic, ...]:
    """The periodic chores this configuration asks for."""
    options = config.options

    def sync_catalog(now: datetime) -> str:
        from releasegate.catalog.sync import run_sync

        with jenkins_client(config) as client:
            record = run_sync(client, options.catalog)
        changes = f"{record.added} added, {record.changed} changed, {record.removed} removed"
        return f"{record.jobs_seen} jobs: {changes}"

    def reconcile_approvals(now: datetime) -> str:
        from releasegate.releases.reconcile import reconcile

        if config.dingtalk is None:
            return "DingTalk is not configured"
        lookback = timedelta(hours=options.dingtalk.reconcile_lookback_hours)
        return reconcile(dingtalk_client(config), config.dingtalk.process_code, now, lookback)

    return (
        Periodic(
            "catalog-sync", timedelta(minutes=options.catalog.sync_interval_minutes), sync_catalog
        ),
        Periodic(
            "reconcile", timedelta(minutes=options.dingtalk.reconcile_minutes), reconcile_approvals
        ),
    )


def build_worker(config: Config) -> Worker:
    """A worker for this configuration: its own Jenkins client (clients are per thread),
    the process's shared DingTalk client, the group robot when one is configured; its
    claims last as long as its slowest step can take with the Jenkins timeout."""
    timeouts = Timeouts.uniform(config.options.jenkins.timeout_seconds)
    context = EngineContext(
        jenkins=jenkins_client(config), options=config.options.releases, lease=lease_for(timeouts)
    )
    dingtalk = dingtalk_client(config) if config.dingtalk is not None else None
    return Worker(context, dingtalk=dingtalk, robot=group_robot(config), chores=chores(config))


class Background:
    """The worker in a thread of the web server's process."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._stop = threading.Event()
        self._worker = build_worker(config)
        self._thread = threading.Thread(
            target=self._worker.run, args=(self._stop,), name="worker", daemon=True
        )

    def start(self) -> None:
        inbox.dispatcher.source_factory = lambda: dingtalk_client(self.config)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)
