"""The worker as a process runs it: the engine, the inbox, the outbox and the periodic
chores (catalog sync, each approval platform's reconcile and its own recurring work).
`releasegate serve` runs one in a thread beside the web server; `releasegate worker` runs
one on its own."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from releasegate.config import Config
from releasegate.connections import jenkins_client
from releasegate.lib.http import Timeouts
from releasegate.releases import inbox
from releasegate.releases.approvals import registry
from releasegate.releases.approvals.registry import Provider
from releasegate.releases.chores import Periodic
from releasegate.releases.engine.context import EngineContext
from releasegate.releases.engine.fence import lease_for
from releasegate.releases.engine.worker import Worker

logger = logging.getLogger("releasegate.worker")


def chores(config: Config) -> tuple[Periodic, ...]:
    """The periodic chores this configuration asks for."""
    options = config.options

    def sync_catalog(now: datetime) -> str:
        from releasegate.catalog.sync import run_sync
        from releasegate.lib.http import OutboundError

        with jenkins_client(config) as client:
            try:
                record = run_sync(client, options.catalog)
            except OutboundError as exc:
                return f"failed: {exc}"  # run_sync logged it, with the sync's id
        changes = f"{record.added} added, {record.changed} changed, {record.removed} removed"
        return f"{record.jobs_seen} jobs: {changes}"

    sync = Periodic(
        "catalog-sync", timedelta(minutes=options.catalog.sync_interval_minutes), sync_catalog
    )
    platforms = registry.enabled(config).values()
    own = [Periodic(r.name, r.every, r.work) for p in platforms for r in p.recurring]
    return (sync, *(_reconcile(p) for p in platforms), *own)


def _reconcile(platform: Provider) -> Periodic:
    """Looking for the platform's approvals whose news was lost, as often as it says."""

    def reconcile_approvals(now: datetime) -> str:
        from releasegate.releases.reconcile import reconcile

        return reconcile(platform.source, now, platform.reconcile_lookback)

    return Periodic(f"reconcile-{platform.name}", platform.reconcile_every, reconcile_approvals)


def build_worker(config: Config) -> Worker:
    """A worker for this configuration: its own Jenkins client (clients are per thread),
    the enabled approval platforms (their clients are shared by the process); its claims
    last as long as its slowest step can take with the Jenkins timeout."""
    timeouts = Timeouts.uniform(config.options.jenkins.timeout_seconds)
    context = EngineContext(
        jenkins=jenkins_client(config),
        options=config.options.releases,
        lease=lease_for(timeouts),
        form=config.options.form,
    )
    return Worker(
        context,
        sources=registry.sources(),
        messengers=registry.messengers(),
        chores=chores(config),
    )


def warn_about_refused_credentials(config: Config) -> threading.Thread:
    """Ask Jenkins and each enabled approval platform, in the background, whether they
    accept ReleaseGate's credentials, and say so in the log at start-up when one does
    not: releases would otherwise wait or end in ERROR with no word until then. Never
    holds up the start (each call has its timeouts)."""

    def ask() -> None:
        from releasegate.lib.http import OutboundError
        from releasegate.releases.approvals.errors import CredentialsRefused

        try:
            with jenkins_client(config) as client:
                client.server_version()
        except OutboundError as exc:
            refused = exc.status in (401, 403)
            logger.log(
                logging.ERROR if refused else logging.WARNING,
                "Jenkins %s at start-up: %s",
                "refused ReleaseGate's credentials" if refused else "could not be reached",
                exc,
            )
        for name, platform in registry.enabled(config).items():
            if platform.check is None:
                continue
            try:
                platform.check()
            except CredentialsRefused as exc:
                logger.error("%s refused ReleaseGate's credentials at start-up: %s", name, exc)
            except OutboundError as exc:
                logger.warning("%s could not be reached at start-up: %s", name, exc)

    thread = threading.Thread(target=ask, name="start-up checks", daemon=True)
    thread.start()
    return thread


def serve_deliveries() -> None:
    """Process the deliveries this process receives in the background, at once (the
    worker's sweep takes whatever is left over). Every process that receives them turns
    this on: `serve`, `worker`, `stream`."""
    inbox.dispatcher.enable()


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
        serve_deliveries()
        warn_about_refused_credentials(self.config)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)
