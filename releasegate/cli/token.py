"""`releasegate token USERNAME`: make a user's API token and print it, the only time it is
shown (only its digest is stored); `--renew` replaces it, `--revoke` removes it."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from releasegate.cli.base import setup_django, stderr_console


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "token", help="make a user's API token and print it once (or renew, or revoke it)"
    )
    parser.add_argument("username", help="the ReleaseGate (Django) user")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--renew", action="store_true", help="replace the user's token with a new one"
    )
    choice.add_argument(
        "--revoke", action="store_true", help="remove the user's token (it stops working)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth import get_user_model

    from releasegate.api.models import ApiToken
    from releasegate.api.tokens import issue, revoke

    errors = stderr_console()
    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        errors.print(
            f"[red]✗[/red] there is no user {args.username!r} "
            "(add one: releasegate user add USERNAME)",
            highlight=False,
        )
        return 1
    if args.revoke:
        said = "revoked" if revoke(user) else "had no token"
        errors.print(f"{args.username}: {said}", highlight=False)
        return 0
    held = ApiToken.objects.filter(user=user).first()
    if held is not None and not args.renew:
        errors.print(
            f"[red]✗[/red] {args.username} already has a token (made {held.created:%Y-%m-%d}, "
            f"starting {held.prefix}). It was shown once and is not stored: --renew "
            "replaces it, --revoke removes it.",
            highlight=False,
        )
        return 1
    # Only the key on stdout, so `export RELEASEGATE_TOKEN=$(releasegate token me)` works.
    Console(highlight=False, soft_wrap=True).print(issue(user))
    return 0
