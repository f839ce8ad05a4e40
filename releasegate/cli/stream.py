"""`releasegate stream`: receive DingTalk's approval events over Stream mode.

For apps whose event subscription uses Stream mode (推送方式: Stream 模式) instead of an
HTTP URL: ReleaseGate opens the connection, so it needs no public address. Each event is
stored, acknowledged, then processed in the background of this process, as `serve` does
for pushed events; `serve`'s sweep retries what is left over.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType
from typing import Any

from rich.console import Console

from releasegate.cli.base import config, refuse_on_problems, setup_django
from releasegate.cli.sync import migrated

logger = logging.getLogger("releasegate.stream")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stream", help="receive DingTalk's events over Stream mode (no public address needed)"
    )
    parser.add_argument(
        "--silence",
        type=float,
        default=90.0,
        metavar="SECONDS",
        help="reconnect when nothing, not even a ping, arrives for this long (default: 90)",
    )
    parser.add_argument(
        "--backoff-max",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="the longest wait between attempts to reconnect after failures (default: 60)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False)
    if args.silence <= 0 or args.backoff_max <= 0:
        console.print("[red]✗[/red] --silence and --backoff-max must be positive")
        return 2
    setup_django()
    settings = config()
    unset = settings.dingtalk is None and not any(p.area == "dingtalk" for p in settings.problems)
    if unset:
        console.print(
            "[red]✗[/red] DINGTALK_APP_KEY: not set: Stream mode receives DingTalk's events "
            "(set the DINGTALK_* settings, docs/dingtalk-setup.md)"
        )
    if unset or refuse_on_problems(console, areas=("core", "dingtalk")) or not migrated(console):
        return 1
    from django.db import connections

    from releasegate.background import serve_deliveries
    from releasegate.integrations.dingtalk.stream import stream_receiver
    from releasegate.integrations.dingtalk.stream_client import StreamOptions
    from releasegate.lib.http import OutboundError

    serve_deliveries()
    options = StreamOptions(
        silence_seconds=args.silence,
        backoff_max=args.backoff_max,
        backoff_initial=min(1.0, args.backoff_max),
    )
    client = stream_receiver(settings, options)
    stopping = threading.Event()
    failures: list[str] = []

    def receive() -> None:
        try:
            client.run()
        except OutboundError as exc:  # permanent: DingTalk refused the app
            failures.append(str(exc))
        except Exception as exc:  # a bug: reported, and the command fails
            logger.exception("the Stream client failed")
            failures.append(f"the Stream client failed: {type(exc).__name__}")
        finally:
            connections.close_all()
            stopping.set()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    receiver = threading.Thread(target=receive, name="stream")
    receiver.start()
    console.print("ReleaseGate receiving DingTalk events over Stream mode")
    stopping.wait()
    client.stop()
    receiver.join()
    if failures:
        console.print(f"[red]✗[/red] {failures[0]}")
        return 1
    console.print("ReleaseGate stream stopped")
    return 0
