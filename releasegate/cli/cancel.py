"""`releasegate cancel ID`: cancel a scheduled or queued release, telling its people."""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from rich.console import Console

from releasegate.cli.base import config, setup_django


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("cancel", help="cancel a scheduled or queued release")
    parser.add_argument("release_id", type=int, metavar="ID", help="the release's number")
    parser.add_argument("--reason", default="", help="why (told to the people involved)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from releasegate.connections import jenkins_client
    from releasegate.releases.models import Release
    from releasegate.releases.operators import CannotCancel, cancel_release

    console = Console(highlight=False)
    actor = f"operator:{getpass.getuser()}"
    try:
        with jenkins_client(config()) as jenkins:
            release = cancel_release(
                args.release_id, actor=actor, reason=args.reason, jenkins=jenkins
            )
    except Release.DoesNotExist:
        console.print(f"[red]✗[/red] there is no release {args.release_id}")
        return 1
    except CannotCancel as exc:
        console.print(f"[red]✗[/red] release {args.release_id} cannot be cancelled: {exc}")
        return 1
    console.print(f"[green]✓[/green] release {release.pk} cancelled; its people are told")
    return 0
