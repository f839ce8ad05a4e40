"""A simulator in a process of its own, as the demo and the benchmarks run them: like the
real Jenkins or DingTalk, it then competes with ReleaseGate for nothing but the CPU."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Literal

from releasegate.lib.process import ServiceProcess


class SimulatorProcess(ServiceProcess):
    """`releasegate simulate SYSTEM --port 0 OPTIONS…`; `url` once it serves."""

    def __init__(
        self,
        system: Literal["jenkins", "dingtalk", "feishu", "wecom"],
        options: Sequence[str] = (),
        *,
        log: IO[str] | None = None,
        ready_within: float = 30.0,
        wait_ready: bool = True,
    ) -> None:
        super().__init__(
            ["simulate", system, "--port", "0", *options],
            log=log,
            ready_within=ready_within,
            wait_ready=wait_ready,
        )
