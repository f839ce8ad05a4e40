"""`releasegate request`: ask for a release from the command line, as yourself.

An HTTP client of `POST /api/requests` (no database needed here): the server checks the
request as the form's submit check would and starts the approval in DingTalk with the
token's user as originator. Prints the approval instance id, or the problems (exit 1).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import httpx
from rich.console import Console

from releasegate.cli.base import stderr_console

# The server itself waits up to DingTalk's timeout (10 s by default) for the instance.
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
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
    parser.add_argument("--url", help="ReleaseGate's address (default: $RELEASEGATE_URL)")
    parser.add_argument("--token", help="your API token (default: $RELEASEGATE_TOKEN)")
    parser.set_defaults(run=run)


def _parameter(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name.strip(), value


def run(args: argparse.Namespace) -> int:
    url = (args.url or os.environ.get("RELEASEGATE_URL") or "").rstrip("/")
    token = args.token or os.environ.get("RELEASEGATE_TOKEN") or ""
    errors = stderr_console()
    if not url or not token:
        errors.print("[red]✗[/red] set RELEASEGATE_URL and RELEASEGATE_TOKEN (or --url, --token)")
        return 2
    try:
        response = httpx.post(
            f"{url}/api/requests",
            json=_body(args),
            headers={"Authorization": f"Token {token}"},
            timeout=TIMEOUT,
        )
    except httpx.HTTPError as exc:
        errors.print(f"[red]✗[/red] cannot reach {url}: {type(exc).__name__}", highlight=False)
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
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if response.status_code == 201 and isinstance(answer, dict):
        out.print(answer["approval_instance_id"])
        return 0
    if response.status_code == 401:
        errors.print("[red]✗[/red] the token was refused (releasegate token USERNAME prints one)")
        return 1
    for problem in _problems(answer, response):
        errors.print(f"[red]✗[/red] {problem}", highlight=False)
    return 1


def _problems(answer: Any, response: httpx.Response) -> list[str]:
    """The server's reasons, one line each: refusals, fields it could not read, or why
    it could not start the approval."""
    if not isinstance(answer, dict):
        return [f"ReleaseGate answered HTTP {response.status_code}"]
    if "problems" in answer:
        return [str(problem) for problem in answer["problems"]]
    if "detail" in answer:
        return [str(answer["detail"])]
    return [f"{field}: {_flatten(reason)}" for field, reason in answer.items()]


def _flatten(reason: Any) -> str:
    if isinstance(reason, list):
        return "; ".join(_flatten(item) for item in reason)
    if isinstance(reason, dict):
        return "; ".join(f"{key}: {_flatten(value)}" for key, value in reason.items())
    return str(reason)
