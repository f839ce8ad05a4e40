"""What the commands that are clients of ReleaseGate's API share (`request`, `approve`,
`refuse`): where the server is and who you are (options, else RELEASEGATE_URL and
RELEASEGATE_TOKEN), one call, and the server's reasons when it says no."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Console

# The server itself may wait for an approval platform (DingTalk: 10 s by default).
TIMEOUT = httpx.Timeout(30.0, connect=5.0)


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="ReleaseGate's address (default: $RELEASEGATE_URL)")
    parser.add_argument("--token", help="your API token (default: $RELEASEGATE_TOKEN)")


@dataclass(frozen=True)
class Server:
    url: str
    token: str = field(repr=False)


def server_of(args: argparse.Namespace, errors: Console) -> Server | None:
    """Where the server is and the token to show it; None, said on `errors`, when either
    is not given."""
    url = (args.url or os.environ.get("RELEASEGATE_URL") or "").rstrip("/")
    token = args.token or os.environ.get("RELEASEGATE_TOKEN") or ""
    if not url or not token:
        errors.print("[red]✗[/red] set RELEASEGATE_URL and RELEASEGATE_TOKEN (or --url, --token)")
        return None
    return Server(url, token)


def post(server: Server, path: str, body: dict[str, Any], errors: Console) -> httpx.Response | None:
    """POST `body` to the API as the token's user; None, said on `errors`, when the
    server cannot be reached."""
    try:
        return httpx.post(
            f"{server.url}{path}",
            json=body,
            headers={"Authorization": f"Token {server.token}"},
            timeout=TIMEOUT,
        )
    except httpx.HTTPError as exc:
        errors.print(
            f"[red]✗[/red] cannot reach {server.url}: {type(exc).__name__}", highlight=False
        )
        return None


def answer_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def print_problems(response: httpx.Response, errors: Console) -> None:
    """The server's reasons, one line each: refusals, fields it could not read, or why it
    could not do it."""
    if response.status_code == 401:
        errors.print("[red]✗[/red] the token was refused (releasegate token USERNAME prints one)")
        return
    for problem in _problems(answer_of(response), response):
        errors.print(f"[red]✗[/red] {problem}", highlight=False)


def _problems(answer: Any, response: httpx.Response) -> list[str]:
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
