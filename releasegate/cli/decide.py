"""`releasegate approve ID [--reason …]` and `releasegate refuse ID --reason …`: decide a
request of ReleaseGate's own approvals from the command line, as yourself.

HTTP clients of `POST /api/approvals/<id>/approve` and `…/refuse` (no database needed
here), like `releasegate request`: the server takes the decision as the token's user,
exactly as the dashboard's buttons would. Prints where the approval then stands, or why
the decision was not taken (exit 1).
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
    approve = subparsers.add_parser(
        "approve", help="approve a request that waits for you (ReleaseGate's own approvals)"
    )
    _arguments(approve, reason="optional: shown with your decision", reason_needed=False)
    approve.set_defaults(run=run, decision="approve")
    refuse = subparsers.add_parser("refuse", help="refuse a request that waits for you, saying why")
    _arguments(refuse, reason="why: the person who asked is told", reason_needed=True)
    refuse.set_defaults(run=run, decision="refuse")


def _arguments(parser: argparse.ArgumentParser, reason: str, reason_needed: bool) -> None:
    parser.add_argument(
        "approval_id", type=int, metavar="ID", help="the approval's number (`request` prints it)"
    )
    parser.add_argument("--reason", default="", required=reason_needed, help=reason)
    add_server_options(parser)


def run(args: argparse.Namespace) -> int:
    errors = stderr_console()
    server = server_of(args, errors)
    if server is None:
        return 2
    path = f"/api/approvals/{args.approval_id}/{args.decision}"
    response = post(server, path, {"reason": args.reason}, errors)
    if response is None:
        return 1
    answer = answer_of(response)
    if response.status_code != 200 or not isinstance(answer, dict):
        print_problems(response, errors)
        return 1
    Console(highlight=False, soft_wrap=True).print(f"[green]✓[/green] {_stands(answer)}")
    return 0


def _stands(approval: dict[str, Any]) -> str:
    """Where the approval stands after the decision, in a line."""
    number, status = approval.get("id"), approval.get("status")
    approved = sum(1 for d in approval.get("decisions", []) if d.get("decision") == "approve")
    if status == "approved":
        release = approval.get("release_id")
        becomes = f"release #{release}" if release else "a release (on its way)"
        return (
            f"approval {number} is approved ({approved} of {approval.get('required')}): {becomes}"
        )
    if status == "refused":
        return f"approval {number} is refused; {approval.get('originator')} is told"
    return (
        f"approval {number}: your decision is in ({approved} of {approval.get('required')} "
        "approvals so far)"
    )
