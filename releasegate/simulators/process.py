"""A simulator in a process of its own, as the demo and the benchmarks run them: like the
real Jenkins or DingTalk, it then competes with ReleaseGate for nothing but the CPU."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import IO, Literal, Self

# Both simulators announce themselves with "... at http://host:port/" on their first line.
_URL_LINE = re.compile(r" at (http://\S+)$")


class SimulatorProcess:
    """`releasegate simulate SYSTEM --port 0 OPTIONS…`; `url` once it serves."""

    def __init__(
        self,
        system: Literal["jenkins", "dingtalk"],
        options: Sequence[str] = (),
        *,
        log: IO[str] | None = None,
        ready_within: float = 30.0,
    ) -> None:
        self.system = system
        self.process = subprocess.Popen(
            [sys.executable, "-m", "releasegate", "simulate", system, "--port", "0", *options],
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
                raise RuntimeError(f"the {self.system} simulator exited before it was ready")
            found = _URL_LINE.search(line.strip())
            if found:
                return found.group(1)
        raise RuntimeError(f"the {self.system} simulator did not start within {within:.0f} s")

    def wait(self) -> None:
        self.process.wait()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
