"""`releasegate retry ID [--reason …]`: retry a release that ended in ERROR, once its
cause is fixed (a token, a permission, Jenkins back).

An HTTP client of `POST /api/releases/<id>/retry` (no database needed here), like
`releasegate approve`: the server retries as the token's user, exactly as the release
page's button would, after asking the approval platform whether the approval still
holds. Prints what the release does next, or why it was not retried (exit 1).
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from releasegate.cli.api_client import (
    add_server_options,
    answer_of,
    post,
    print_problems,
    server_of,
)
from releasegate.cli.base import stderr_console


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "retry", help="retry a release that ended in ERROR, once its cause is fixed"
    )
    parser.add_argument("release_id", type=int, metavar="ID", help="the release's number")
    parser.add_argument("--reason", default="", help="what was fixed (kept in its timeline)")
    add_server_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    errors = stderr_console()
    server = server_of(args, errors)
    if server is None:
        return 2
    path = f"/api/releases/{args.release_id}/retry"
    response = post(server, path, {"reason": args.reason}, errors)
    if response is None:
        return 1
    answer = answer_of(response)
    if response.status_code != 200 or not isinstance(answer, dict):
        if response.status_code == 404:
            errors.print(f"[red]✗[/red] there is no release {args.release_id}")
        else:
            print_problems(response, errors)
        return 1
    Console(highlight=False, soft_wrap=True).print(f"[green]✓[/green] {_next(answer)}")
    return 0


def _next(release: dict[str, Any]) -> str:
    """What the retried release does next, in a line."""
    number = release.get("id")
    if release.get("state") == "RUNNING":
        return f"release {number} retried: watching build #{release.get('build_number')} again"
    return (
        f"release {number} retried: Jenkins is searched for the build of the earlier "
        "attempt, and triggered only if there is none"
    )
