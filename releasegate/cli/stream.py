"""`releasegate stream`: receive approval events over a connection ReleaseGate opens.

For DingTalk apps whose event subscription uses Stream mode (推送方式: Stream 模式), and for
Feishu apps that receive events over the long connection (使用长连接接收事件), instead of
an HTTP URL: ReleaseGate opens the connection, so it needs no public address. Each event
is stored, acknowledged, then processed in the background of this process, as `serve`
does for pushed events; `serve`'s sweep retries what is left over. `--platform` picks
the platform (by default DingTalk when it is configured, else Feishu).
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType
from typing import Any, Protocol

from rich.console import Console

from releasegate.cli.base import config, refuse_on_problems, setup_django
from releasegate.cli.sync import migrated
from releasegate.config import Config

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
    parser.add_argument(
        "--platform",
        choices=("dingtalk", "feishu"),
        help="whose events to receive (default: DingTalk when configured, else Feishu)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False)
    if args.silence <= 0 or args.backoff_max <= 0:
        console.print("[red]✗[/red] --silence and --backoff-max must be positive")
        return 2
    setup_django()
    settings = config()
    platform = args.platform or (
        "feishu" if settings.feishu and not settings.dingtalk else "dingtalk"
    )
    names = {
        "dingtalk": ("DingTalk", "DINGTALK_APP_KEY", "dingtalk-setup.md"),
        "feishu": ("Feishu", "FEISHU_APP_ID", "feishu-setup.md"),
    }
    name, first_setting, guide = names[platform]
    how = "Stream mode" if platform == "dingtalk" else "the long connection"
    configured = settings.dingtalk if platform == "dingtalk" else settings.feishu
    unset = configured is None and not any(p.area == platform for p in settings.problems)
    if unset:
        console.print(
            f"[red]✗[/red] {first_setting}: not set: this receives {name}'s events "
            f"(set the {platform.upper()}_* settings, docs/{guide})"
        )
    if unset or refuse_on_problems(console, areas=("core", platform)) or not migrated(console):
        return 1
    from django.db import connections

    from releasegate.background import serve_deliveries
    from releasegate.lib.http import OutboundError

    serve_deliveries()
    client = _receiver(platform, settings, args)
    stopping = threading.Event()
    failures: list[str] = []

    def receive() -> None:
        try:
            client.run()
        except OutboundError as exc:  # permanent: the platform refused the app
            failures.append(str(exc))
        except Exception as exc:  # a bug: reported, and the command fails
            logger.exception("the client of %s failed", how)
            failures.append(f"the client of {how} failed: {type(exc).__name__}")
        finally:
            connections.close_all()
            stopping.set()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    receiver = threading.Thread(target=receive, name="stream")
    receiver.start()
    console.print(f"ReleaseGate receiving {name} events over {how}")
    stopping.wait()
    client.stop()
    receiver.join()
    if failures:
        console.print(f"[red]✗[/red] {failures[0]}")
        return 1
    console.print("ReleaseGate stream stopped")
    return 0


class _Receiver(Protocol):
    def run(self) -> None: ...

    def stop(self) -> None: ...


def _receiver(platform: str, settings: Config, args: argparse.Namespace) -> _Receiver:
    backoff_initial = min(1.0, args.backoff_max)
    if platform == "feishu":
        from releasegate.integrations.feishu.stream import long_connection
        from releasegate.integrations.feishu.ws_client import LongConnectionOptions

        return long_connection(
            settings,
            LongConnectionOptions(
                silence_seconds=max(args.silence, 1.0),
                backoff_max=args.backoff_max,
                backoff_initial=backoff_initial,
            ),
        )
    from releasegate.integrations.dingtalk.stream import stream_receiver
    from releasegate.integrations.dingtalk.stream_client import StreamOptions

    return stream_receiver(
        settings,
        StreamOptions(
            silence_seconds=args.silence,
            backoff_max=args.backoff_max,
            backoff_initial=backoff_initial,
        ),
    )
