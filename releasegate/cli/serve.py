"""`releasegate serve`: the web server (event push, connector endpoints, admin) and the
background work of one process, the embedded default."""

from __future__ import annotations

import argparse
import gc
import signal
import threading
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

from rich.console import Console

from releasegate.cli.base import config, refuse_on_problems, setup_django
from releasegate.cli.sync import migrated


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="run the web server and background work")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--threads", type=int, default=8, help="request threads (default: 8)")
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="serve only; `releasegate worker` processes do the background work",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    console = Console(highlight=False)
    if refuse_on_problems(console) or not migrated(console):
        return 1
    from waitress.server import create_server

    from releasegate.background import Background
    from releasegate.wsgi import application

    load_every_view()
    try:
        server = create_server(
            SettleAfter(application),
            host=args.host,
            port=args.port,
            threads=args.threads,
            # Waitress reads (and spools to disk) a whole body before the application
            # sees it, so the limit must be its own: it answers 413 as soon as the
            # declared Content-Length, or the chunks received so far, pass it.
            max_request_body_size=config().public.max_body_bytes,
        )
    except OSError as exc:
        where = f"{args.host}:{args.port}"
        console.print(f"[red]✗[/red] cannot serve on {where}: {exc.strerror or exc}")
        return 1
    background = None if args.no_worker else Background(config())
    prepare_interpreter()

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt  # ends waitress' loop the way Ctrl-C does

    signal.signal(signal.SIGTERM, stop)
    # One listening socket (one host), so create_server gives a TcpWSGIServer. Said before
    # the worker starts, so the address comes first, before anything the worker logs.
    port = getattr(server, "effective_port", args.port)
    alone = " (no worker here: run `releasegate worker`)" if background is None else ""
    console.print(f"ReleaseGate serving on http://{args.host}:{port}/{alone}")
    if background is not None:
        background.start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if background is not None:
            background.stop()
    console.print("ReleaseGate stopped")
    return 0


def load_every_view() -> None:
    """Import the URL configuration, and with it every view, before saying "serving":
    left to the first request, it costs that request seconds on a busy machine (the API's
    schema tooling is heavy to import), past the few seconds DingTalk's connector waits
    for form options."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property imports the URL modules)


def prepare_interpreter() -> None:
    """Take what start-up made (modules, views, settings: over 100,000 objects that live
    as long as the process) out of the garbage collector's sight, once start-up is done.
    A full collection walks every object it sees with the GIL held, and each one stopped
    every request thread of this process for 50-250 ms under load.

    Python's GIL switch interval is left at its 5 ms: 2, 1 and 0.5 ms were each slower
    here, on a quiet machine, for throughput and for the tail (bench/load.py)."""
    gc.collect()
    gc.freeze()


# What the first requests make that lives as long as the process (modules imported and
# templates compiled on first use: some 40,000 objects) is frozen as start-up's was, once
# this many requests have been answered: each full collection walked it, about 24 ms with
# the GIL held, a few times per hundred requests (bench/dashboard.py, docs/dashboard.md).
SETTLE_AFTER_REQUESTS = 200

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SettleAfter:
    """The WSGI application, freezing what the process holds once, after its first
    `after` requests (counted as they start)."""

    def __init__(self, application: Wsgi, after: int = SETTLE_AFTER_REQUESTS) -> None:
        self.application, self.left = application, after
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.left > 0:
            with self._lock:
                self.left -= 1
                settle = self.left == 0
            if settle:
                prepare_interpreter()
        return self.application(environ, start_response)
