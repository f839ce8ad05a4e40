"""`releasegate worker`: the release engine on its own, for production (several of them
on PostgreSQL, beside the web servers)."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING, Any

from rich.console import Console

from releasegate.cli.base import config, refuse_on_problems, setup_django
from releasegate.cli.sync import migrated

if TYPE_CHECKING:
    from releasegate.config.observability import ObservabilitySettings
    from releasegate.observability.worker_metrics import MetricsServer


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("worker", help="run the release engine (production)")
    parser.add_argument(
        "--metrics-port", type=_port, help="serve this process's Prometheus metrics on this port"
    )
    parser.add_argument(
        "--metrics-host", default="127.0.0.1", help="address for the metrics (default: loopback)"
    )
    parser.set_defaults(run=run)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return int(text)


def run(args: argparse.Namespace) -> int:
    setup_django()
    console = Console(highlight=False)
    if refuse_on_problems(console) or not migrated(console):
        return 1
    from releasegate.background import (
        build_worker,
        serve_deliveries,
        warn_about_refused_credentials,
    )

    settings = config()
    serve_deliveries()
    warn_about_refused_credentials(settings)
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    try:
        metrics = _serve_metrics(args, settings.observability, console)
    except OSError as exc:
        where = f"{args.metrics_host}:{args.metrics_port}"
        console.print(f"[red]✗[/red] cannot serve metrics on {where}: {exc.strerror or exc}")
        return 1
    console.print("ReleaseGate worker running")
    try:
        build_worker(settings).run(stop)
    finally:
        if metrics is not None:
            metrics.stop()
    console.print("ReleaseGate worker stopped")
    return 0


def _serve_metrics(
    args: argparse.Namespace, observability: ObservabilitySettings, console: Console
) -> MetricsServer | None:
    """The metrics server `--metrics-port` asks for, started; None without it."""
    if args.metrics_port is None:
        return None
    from releasegate.observability.worker_metrics import MetricsServer

    server = MetricsServer(args.metrics_host, args.metrics_port, observability).start()
    console.print(f"metrics on http://{args.metrics_host}:{server.port}/metrics")
    return server
