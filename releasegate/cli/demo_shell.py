"""The demo's people at a shell and at the API: `releasegate ARGS` run as one of them (with
their API token), and API calls made with it. Both show on the timeline what was typed and
raise `DemoFailed` when it did not work."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable
from typing import Any

import httpx

from releasegate.cli.demo_timeline import DemoFailed, Timeline


def issue_tokens(logins: Iterable[str]) -> dict[str, str]:
    """An API token for each of the demo's `logins` (who exist by now)."""
    from django.contrib.auth.models import User

    from releasegate.api.tokens import issue

    return {login: issue(User.objects.get(username=login)) for login in logins}


class DemoShell:
    def __init__(self, timeline: Timeline, tokens: dict[str, str]) -> None:
        self.timeline, self.tokens = timeline, tokens
        self.url = ""

    def command(self, login: str, *args: str) -> str:
        """`releasegate ARGS` in a shell as `login` (their token); its output, shown."""
        environment = {
            **os.environ,
            "RELEASEGATE_URL": self.url,
            "RELEASEGATE_TOKEN": self.tokens[login],
        }
        done = subprocess.run(
            [sys.executable, "-m", "releasegate", *args],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        self.timeline.detail(f"{login}$ releasegate {' '.join(args)}")
        if done.returncode != 0:
            raise DemoFailed(f"releasegate {args[0]}", done.stderr.strip() or done.stdout.strip())
        return re.sub(r"^✓ ", "", done.stdout.strip())

    def api(
        self, login: str, method: str, path: str, body: Any = None, expect: int | None = None
    ) -> Any:
        """A call to the API with `login`'s token; its answer."""
        headers = {"Authorization": f"Token {self.tokens[login]}"}
        response = httpx.request(
            method, f"{self.url.rstrip('/')}{path}", json=body, headers=headers, timeout=30
        )
        if (expect is None and response.is_success) or response.status_code == expect:
            return response.json()
        raise DemoFailed(f"{method} {path}", f"HTTP {response.status_code}: {response.text[:300]}")
