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
from concurrent.futures import Future, ThreadPoolExecutor
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
    """Runs the checks side by side, each within `CHECK_SECONDS`, one round at a time.

    A round runs outside the lock, on the thread of the caller that started it; callers
    that arrive meanwhile (or within `reuse_seconds` after it ended) get the last round's
    results at once instead of waiting for a round of their own. A flood of probes during
    an outage therefore holds at most one request thread, for at most `CHECK_SECONDS`,
    and calls each service at most once per round. A check still running from an earlier
    round (a service that hangs past every timeout) is not started again: it is reported
    as still without an answer, so hung checks cannot pile up in the pool."""

    def __init__(self, reuse_seconds: float = REUSE_SECONDS) -> None:
        self.reuse_seconds = reuse_seconds
        self._lock = threading.Lock()
        self._last: tuple[float, dict[str, CheckResult]] | None = None
        self._round_running = False
        self._running: dict[str, tuple[float, Future[CheckResult]]] = {}
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="readiness")

    def results(self, external: Mapping[str, Check]) -> dict[str, CheckResult]:
        """Every check's result by name: the database and each of `external`. Before the
        first round has ended, a caller that does not run it gets every check as not
        ready yet."""
        with self._lock:
            last = self._last
            fresh = last is not None and time.monotonic() - last[0] < self.reuse_seconds
            if fresh or self._round_running:
                return last[1] if last is not None else _not_yet(external)
            self._round_running = True
        try:
            found = self._run({"database": _database_check, **external})
            with self._lock:
                self._last = (time.monotonic(), found)
        finally:
            with self._lock:
                self._round_running = False
        return found

    def _run(self, checks: Mapping[str, Check]) -> dict[str, CheckResult]:
        started = time.monotonic()
        running = {name: self._start(name, check, started) for name, check in checks.items()}
        found = {}
        for name, (since, future) in running.items():
            left = max(CHECK_SECONDS - (time.monotonic() - started), 0.0)
            try:
                found[name] = future.result(timeout=left)
            except FutureTimeout:
                elapsed = (time.monotonic() - since) * 1000
                found[name] = CheckResult(False, elapsed, f"no answer within {CHECK_SECONDS:g} s")
        return found

    def _start(self, name: str, check: Check, now: float) -> tuple[float, Future[CheckResult]]:
        """The check `name` running in the pool: the one still running from an earlier
        round, or a new one."""
        with self._lock:
            earlier = self._running.get(name)
            if earlier is not None and not earlier[1].done():
                return earlier
            future = self._pool.submit(timed, name, check)
            self._running[name] = (now, future)
            return now, future


def _database_check() -> None:
    """`check_database` on a pool thread, which then closes the connection it opened (no
    request ends on that thread to close it)."""
    try:
        check_database()
    finally:
        connection.close()


def _not_yet(external: Mapping[str, Check]) -> dict[str, CheckResult]:
    return {
        name: CheckResult(False, 0.0, "the first check is still running")
        for name in ("database", *external)
    }


readiness = Readiness()
