"""Liveness and readiness: is the process alive, and can it do its work right now.

Readiness asks each dependency the cheapest question that proves it usable: the database
answers `SELECT 1`, Jenkins answers an authenticated `api/json` (which also proves the
credentials), each enabled approval platform proves its credentials (DingTalk gives an
access token: the cached one while it is valid, so a probe every few seconds costs no API
quota). Answers are short: a check's error says
what failed in words that carry no secret and no traceback; details go to the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.db import DatabaseError, connection

from releasegate.config import Config
from releasegate.connections import NotConfigured, jenkins_client
from releasegate.lib.http import OutboundError
from releasegate.releases.approvals import registry

logger = logging.getLogger("releasegate.health")

# A probe must answer before a load balancer gives up on it; every external check gets
# this long, whatever the configured timeouts.
CHECK_SECONDS = 3.0
# Repeated probes within this time share one round of checks, so a busy probe (or a
# flood of requests to /readyz) cannot turn into a flood of calls to Jenkins.
REUSE_SECONDS = 2.0

Check = Callable[[], object]


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    duration_ms: float
    error: str = ""

    def as_json(self) -> dict[str, object]:
        answer: dict[str, object] = {"ok": self.ok, "duration_ms": round(self.duration_ms, 1)}
        if self.error:
            answer["error"] = self.error
        return answer


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def jenkins_check(config: Config) -> Check:
    def check_jenkins() -> None:
        with jenkins_client(config, timeout_seconds=CHECK_SECONDS) as client:
            client.server_version()

    return check_jenkins


def external_checks(config: Config) -> dict[str, Check]:
    """The services this configuration depends on, by the name readiness reports: Jenkins
    and every enabled approval platform that can prove its credentials."""
    checks = {"jenkins": jenkins_check(config)}
    for name, platform in registry.enabled(config).items():
        if platform.check is not None:
            checks[name] = platform.check
    return checks


def timed(name: str, check: Check) -> CheckResult:
    """Run `check`; its result with how long it took and, on failure, a safe reason."""
    started = time.monotonic()
    try:
        check()
    except Exception as exc:  # any failure is "not ready", reported and logged, never a 500
        error = _describe(exc)
        logger.warning("readiness check %s failed: %s", name, exc)
        return CheckResult(False, (time.monotonic() - started) * 1000, error)
    return CheckResult(True, (time.monotonic() - started) * 1000)


def _describe(exc: Exception) -> str:
    if isinstance(exc, OutboundError):
        return exc.message  # already redacted by the HTTP seam
    if isinstance(exc, NotConfigured):
        return str(exc)
    if isinstance(exc, DatabaseError):
        # Database drivers name hosts and users; the log has the details.
        return f"the database cannot be used ({type(exc).__name__})"
    return f"the check failed ({type(exc).__name__})"


class Readiness:
    """Runs the checks: the database on the caller's thread (its connection is the
    caller's), the external services side by side, each within `CHECK_SECONDS`."""

    def __init__(self, reuse_seconds: float = REUSE_SECONDS) -> None:
        self.reuse_seconds = reuse_seconds
        self._lock = threading.Lock()
        self._last: tuple[float, dict[str, CheckResult]] | None = None
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readiness")

    def results(self, external: Mapping[str, Check]) -> dict[str, CheckResult]:
        """Every check's result by name (a round younger than `reuse_seconds` is reused)."""
        with self._lock:
            now = time.monotonic()
            if self._last is not None and now - self._last[0] < self.reuse_seconds:
                return self._last[1]
            found = self._run(external)
            self._last = (now, found)
            return found

    def _run(self, external: Mapping[str, Check]) -> dict[str, CheckResult]:
        started = time.monotonic()
        running = {name: self._pool.submit(timed, name, check) for name, check in external.items()}
        found = {"database": timed("database", check_database)}
        for name, future in running.items():
            left = max(CHECK_SECONDS - (time.monotonic() - started), 0.0)
            try:
                found[name] = future.result(timeout=left)
            except FutureTimeout:
                elapsed = (time.monotonic() - started) * 1000
                found[name] = CheckResult(False, elapsed, f"no answer within {CHECK_SECONDS:g} s")
        return found


readiness = Readiness()
