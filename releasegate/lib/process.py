"""A `releasegate` command running as a process of its own (a simulator, the server, a
worker), as the demo, benchmarks and tests start them: ready once it has printed its URL
(or, for commands that serve nothing, the line that says they run)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import IO, Self

# The simulators and `releasegate serve` announce "... http://host:port/" when ready.
_URL = re.compile(r"(http://\S+?/)(?:\s|$)")


class ServiceProcess:
    """`python -m releasegate ARGS…`; `url` once it serves. With `ready`, a pattern of
    the line that says the command runs, `url` is that line instead. With
    `wait_ready=False` the constructor returns at once and `wait_ready()` waits later, so
    several services can start side by side."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        log: IO[str] | None = None,
        ready_within: float = 30.0,
        wait_ready: bool = True,
        ready: re.Pattern[str] | None = None,
    ) -> None:
        self.name = " ".join(args[:2])
        self.url = ""
        self.ready_within = ready_within
        self._ready = ready
        self.process = subprocess.Popen(
            [sys.executable, "-m", "releasegate", *args],
            stdout=subprocess.PIPE,
            stderr=log,
            env=dict(env) if env is not None else None,
            text=True,
        )
        if wait_ready:
            self.wait_ready()

    def wait_ready(self) -> str:
        """The URL once the service has announced it (stopped, and raising, if it fails)."""
        if not self.url:
            try:
                self.url = self._wait_for_url(self.ready_within)
            except BaseException:
                self.stop()
                raise
        return self.url

    def _wait_for_url(self, within: float) -> str:
        # readline() blocks: a service that hangs silently is killed at the deadline, which
        # ends the read.
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            self.process.kill()

        watchdog = threading.Timer(within, expire)
        watchdog.start()
        try:
            while self.process.stdout is not None:
                line = self.process.stdout.readline()
                if self._ready is not None and self._ready.search(line):
                    return line.strip()
                found = _URL.search(line)
                if found and self._ready is None:
                    return found.group(1)
                if not line:
                    break
        finally:
            watchdog.cancel()
        if expired.is_set():
            raise RuntimeError(f"releasegate {self.name} did not start within {within:.0f} s")
        raise RuntimeError(f"releasegate {self.name} exited before it was ready")

    def wait(self) -> None:
        self.process.wait()

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine or a container dies."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
