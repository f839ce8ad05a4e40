"""A small client for the simulator's `/_sim/` control API (tests, demo, benchmarks)."""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

import httpx


@cache
def _tls() -> ssl.SSLContext:
    # One context for every client: building one loads the CA bundle (~35 ms), which
    # adds up when each test opens its own control client.
    return ssl.create_default_context()


class SimulatorControl:
    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/_sim/", timeout=timeout, verify=_tls()
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._http.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()

    def advance(self, seconds: float) -> int:
        """Move the simulator's clock forward; returns its new time in milliseconds."""
        return int(self._call("POST", "clock", json={"advance": seconds})["now_ms"])

    def now_ms(self) -> int:
        return int(self._call("GET", "clock")["now_ms"])

    def builds(self, job: str | None = None) -> list[dict[str, Any]]:
        builds: list[dict[str, Any]] = self._call("GET", "builds")
        return [b for b in builds if job is None or b["job"] == job]

    def queue(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self._call("GET", "queue")
        return items

    def set_faults(self, **faults: Any) -> dict[str, Any]:
        applied: dict[str, Any] = self._call("POST", "faults", json=faults)
        return applied

    def requests(self) -> dict[str, Any]:
        """`total` and `faults` (API requests), `by_fault` {fault name: requests}."""
        counts: dict[str, Any] = self._call("GET", "requests")
        return counts

    def reset_requests(self) -> None:
        self._call("POST", "requests/reset")

    def put_job(self, **job: Any) -> None:
        """Add a job, or replace its definition (keeping its builds)."""
        self._call("POST", "jobs", json=job)

    def push_commits(self, job: str, *commits: dict[str, Any]) -> list[str]:
        """Commits (`message`, `author`, optional `id`, `author_email`, `paths`) that the
        job's next build records in its change set; their ids."""
        pushed = self._call("POST", "commits", json={"job": job, "commits": list(commits)})
        return [str(commit_id) for commit_id in pushed["commit_ids"]]

    def remove_job(self, path: str) -> bool:
        return bool(self._call("DELETE", "jobs", params={"path": path})["removed"])

    def expire_sessions(self) -> None:
        self._call("POST", "sessions/expire")

    def close(self) -> None:
        self._http.close()
