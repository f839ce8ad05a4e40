"""A PyPI that serves project JSON from fixtures on a loopback socket, and the helper that
runs the latest-release audit against it."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import audit_latest

FIXTURES = Path(__file__).parent / "fixtures"
AUDIT = Path(__file__).parents[1] / "audit_latest.py"

# Project name -> the fixture served as its project JSON, or the status answered instead.
PROJECTS: dict[str, str | int] = {
    "latest-clean": "latest_release_clean",
    "latest-vulnerable": "latest_release_vulnerable",
    "latest-withdrawn": "latest_release_withdrawn_advisory",
    "newer-published": "newer_release_published",
    "server-error": 500,
    "odd-answer": "not_a_project_document",
}


class FakePyPI:
    """`with FakePyPI() as pypi:` serves PROJECTS at `pypi.url` (404 for any other name)
    and counts the requests for each path in `pypi.requests`."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    def __enter__(self) -> FakePyPI:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests[self.path] += 1
                parts = self.path.strip("/").split("/")
                served = PROJECTS.get(parts[1], 404) if len(parts) == 3 else 404
                if isinstance(served, int):
                    self.send_response(served)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = (FIXTURES / f"{served}.json").read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the counts in `requests` are what tests look at."""

        return Handler


@dataclass(frozen=True)
class Outcome:
    status: int
    lines: list[str]
    report: dict[str, Any]

    @property
    def summary(self) -> str:
        return next(line for line in self.lines if line.startswith("dependency audit ("))


def run_audit(pypi_url: str, *pins: str, process: bool = False) -> Outcome:
    """Audit `pins` ("name==version") against the PyPI at `pypi_url`: in this process, or
    with `process=True` in one of its own, as .ci/audit runs it (slower: ~1 s to start)."""
    requirements = "# exported by uv\n" + "".join(f"{pin}\n    # via releasegate\n" for pin in pins)
    if process:
        done = subprocess.run(
            [sys.executable, str(AUDIT), "--pypi-url", pypi_url, "-"],
            input=requirements,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        status, output = done.returncode, done.stdout
    else:
        status, output = _run_here(pypi_url, requirements)
    lines = output.splitlines()
    return Outcome(status, lines[:-1], json.loads(lines[-1]))


def _run_here(pypi_url: str, requirements: str) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "requirements.txt"
        path.write_text(requirements)
        with contextlib.redirect_stdout(io.StringIO()) as output:
            status = audit_latest.main(["--pypi-url", pypi_url, str(path)])
    return status, output.getvalue()
