"""`releasegate request`: ask for a release from the command line, as yourself.

An HTTP client of `POST /api/requests` (no database needed here): the server checks the
request as the form's submit check would and starts the approval (in DingTalk, or in
ReleaseGate's own approvals when approver groups are configured) with the token's user
as originator. Prints the approval instance id, or the problems (exit 1).
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

# --db-change → (is there a database change, is it done), in the form's own words.
DB_CHANGE = {"none": ("否", ""), "done": ("是", "是"), "pending": ("是", "否")}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("request", help="ask for a release (starts the approval)")
    parser.add_argument("--project", required=True, help="the project's key, e.g. mall")
    parser.add_argument(
        "--application", required=True, help="the job's full name, e.g. mall/order-service"
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        type=_parameter,
        metavar="NAME=VALUE",
        help="a Jenkins parameter (repeat for several)",
    )
    parser.add_argument("--release-type", default="", help="e.g. 全量 or 灰度")
    parser.add_argument("--at", default="", metavar="TIME", help="when, ISO 8601; default: now")
    parser.add_argument("--db-change", choices=sorted(DB_CHANGE), default="none")
    add_server_options(parser)
    parser.set_defaults(run=run)


def _parameter(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name.strip(), value


def run(args: argparse.Namespace) -> int:
    errors = stderr_console()
    server = server_of(args, errors)
    if server is None:
        return 2
    response = post(server, "/api/requests", _body(args), errors)
    if response is None:
        return 1
    return _report(response, Console(highlight=False, soft_wrap=True), errors)


def _body(args: argparse.Namespace) -> dict[str, Any]:
    db_change, db_change_done = DB_CHANGE[args.db_change]
    return {
        "project": args.project,
        "application": args.application,
        "parameters": dict(args.param),
        "release_type": args.release_type,
        "release_time": args.at,
        "db_change": db_change,
        "db_change_done": db_change_done,
    }


def _report(response: httpx.Response, out: Console, errors: Console) -> int:
    answer = answer_of(response)
    if response.status_code == 201 and isinstance(answer, dict):
        out.print(answer["approval_instance_id"])
        return 0
    print_problems(response, errors)
    return 1
