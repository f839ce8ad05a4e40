"""`releasegate worker`: the release engine on its own, for production (several of them
on PostgreSQL, beside the web servers)."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType
from typing import Any

from rich.console import Console

from releasegate.cli.base import config, refuse_on_problems, setup_django
from releasegate.cli.sync import migrated


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("worker", help="run the release engine (production)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    console = Console(highlight=False)
    if refuse_on_problems(console) or not migrated(console):
        return 1
    from releasegate.background import build_worker
    from releasegate.connections import dingtalk_client
    from releasegate.releases import inbox

    settings = config()
    inbox.dispatcher.source_factory = lambda: dingtalk_client(settings)
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    console.print("ReleaseGate worker running")
    build_worker(settings).run(stop)
    console.print("ReleaseGate worker stopped")
    return 0
