"""The simulated DingTalk in a process of its own, as the demo runs it."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import IO, Self

_URL_LINE = re.compile(r"^DingTalk simulator at (http://\S+)$")


class DingTalkSimulatorProcess:
    """`releasegate simulate dingtalk` on a free port with the demo app; `url` once it
    serves. `options` are further command-line options (`--event-url`, ...)."""

    def __init__(
        self,
        options: Sequence[str] = (),
        *,
        log: IO[str] | None = None,
        ready_within: float = 30.0,
    ) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "releasegate", "simulate", "dingtalk", "--port", "0", *options],
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
                raise RuntimeError("the DingTalk simulator exited before it was ready")
            found = _URL_LINE.search(line.strip())
            if found:
                return found.group(1)
        raise RuntimeError(f"the DingTalk simulator did not start within {within:.0f} s")

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
