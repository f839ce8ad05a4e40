"""`releasegate token USERNAME`: the user's API token, created when they have none."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from releasegate.cli.base import setup_django, stderr_console


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("token", help="print a user's API token (created if needed)")
    parser.add_argument("username", help="the ReleaseGate (Django) user")
    parser.add_argument(
        "--renew", action="store_true", help="replace the user's token with a new one"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        stderr_console().print(
            f"[red]✗[/red] there is no user {args.username!r} "
            "(add one: releasegate user add USERNAME)",
            highlight=False,
        )
        return 1
    if args.renew:
        Token.objects.filter(user=user).delete()
    token, _ = Token.objects.get_or_create(user=user)
    # Only the key on stdout, so `export RELEASEGATE_TOKEN=$(releasegate token me)` works.
    Console(highlight=False, soft_wrap=True).print(token.key)
    return 0
