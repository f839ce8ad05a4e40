"""`releasegate sync`: refresh the catalog from Jenkins."""

from __future__ import annotations

import argparse
import time
from typing import Any

from rich.console import Console

from releasegate.cli.base import config, refuse_on_problems, setup_django, unapplied_migrations


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("sync", help="refresh the catalog of jobs from Jenkins")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    console = Console(highlight=False)
    if refuse_on_problems(console, areas=("core", "jenkins")) or not migrated(console):
        return 1
    return 0 if sync_and_report(console) else 1


def migrated(console: Console) -> bool:
    pending = unapplied_migrations()
    if pending:
        count = len(pending)
        console.print(
            f"[red]✗[/red] the database needs {count} migration(s): run `releasegate migrate`"
        )
    return not pending


def sync_and_report(console: Console) -> bool:
    """Run one sync and print its outcome; True if it succeeded."""
    from releasegate.catalog.sync import run_sync
    from releasegate.connections import jenkins_client
    from releasegate.lib.http import OutboundError

    started = time.monotonic()
    settings = config()
    with jenkins_client(settings) as client:
        try:
            record = run_sync(client, settings.options.catalog)
        except OutboundError as exc:
            console.print(f"[red]✗[/red] sync failed: {exc}")
            return False
    console.print(
        f"[green]✓[/green] synced {record.jobs_seen} jobs in {time.monotonic() - started:.2f} s "
        f"with {record.requests} request(s): {record.added} added, {record.changed} changed, "
        f"{record.removed} removed"
    )
    for change in record.changes[:20]:
        console.print(f"  {change['change']:8} {change['application']}")
    if len(record.changes) > 20:
        console.print(f"  … and {len(record.changes) - 20} more (see the admin's catalog syncs)")
    return True
