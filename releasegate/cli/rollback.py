"""`releasegate rollback APP`: ask, as yourself, to roll an application back to its last
good release.

An HTTP client of `POST /api/rollbacks` (no database needed here): the server finds the
application's latest release and its last good one, and starts the approval of a request
with the good release's approved parameters, marked as a rollback. Prints the approval
instance id and what it rolls back (on stderr), or the problems (exit 1).
"""

from __future__ import annotations

import argparse
from typing import Any

import httpx
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
        "rollback", help="ask to roll an application back to its last good release"
    )
    parser.add_argument("application", metavar="APP", help="the job's full name, e.g. mall/api")
    parser.add_argument("--reason", default="", help="why, for the approvers")
    parser.add_argument(
        "--from-release",
        type=int,
        metavar="ID",
        help="the release to roll back from (default: the application's latest)",
    )
    parser.add_argument("--at", default="", metavar="TIME", help="when, ISO 8601; default: now")
    add_server_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    errors = stderr_console()
    server = server_of(args, errors)
    if server is None:
        return 2
    body: dict[str, Any] = {
        "application": args.application,
        "reason": args.reason,
        "release_time": args.at,
    }
    if args.from_release is not None:
        body["release"] = args.from_release
    response = post(server, "/api/rollbacks", body, errors)
    if response is None:
        return 1
    return _report(response, Console(highlight=False, soft_wrap=True), errors)


def _report(response: httpx.Response, out: Console, errors: Console) -> int:
    answer = answer_of(response)
    if response.status_code == 201 and isinstance(answer, dict):
        out.print(answer["approval_instance_id"])
        errors.print(
            f"rollback of release {answer['rollback_of']} to the parameters of release "
            f"{answer['rollback_to']}: waiting for approval",
            highlight=False,
        )
        return 0
    print_problems(response, errors)
    return 1
