"""The simulated Jenkins in a process of its own, as the demo and the benchmarks run it:
like a real Jenkins, it then competes with ReleaseGate for nothing but the CPU."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Self

_URL_LINE = re.compile(r" at (http://\S+)$")


class SimulatorProcess:
    """`releasegate simulate jenkins` started on a free port; `url` once it serves."""

    def __init__(
        self,
        scenario: str | Path,
        *,
        user: str,
        token: str,
        log: IO[str] | None = None,
        ready_within: float = 30.0,
    ) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "releasegate",
                "simulate",
                "jenkins",
                "--port",
                "0",
                "--scenario",
                str(scenario),
                "--user",
                user,
                "--token",
                token,
            ],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            self.url = self._wait_for_url(ready_within)
        except BaseException:
            self.stop()
            raise

    def _wait_for_url(self, within: float) -> str:
        deadline, output = time.monotonic() + within, self.process.stdout
        while output is not None and time.monotonic() < deadline:
            line = output.readline()
            if not line:
                raise RuntimeError("the Jenkins simulator exited before it was ready")
            found = _URL_LINE.search(line.strip())
            if found:
                return found.group(1)
        raise RuntimeError(f"the Jenkins simulator did not start within {within:.0f} s")

    def wait(self) -> None:
        self.process.wait()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
