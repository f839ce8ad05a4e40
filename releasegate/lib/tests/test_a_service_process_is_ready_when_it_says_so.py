"""A `releasegate` command in a process of its own is ready once it prints its URL or,
for commands that serve nothing (a worker, the Stream receiver), the line given as
`ready`; `kill` ends it as a dying machine would, with no clean-up."""

from __future__ import annotations

import re
import signal

from releasegate.lib.process import ServiceProcess


def test_it_is_ready_at_the_line_it_was_told_to_wait_for() -> None:
    with ServiceProcess(
        ["simulate", "jenkins", "--port", "0"], ready=re.compile(r"token:")
    ) as simulator:
        assert simulator.url.startswith("token:")


def test_killing_it_ends_it_at_once_without_a_word() -> None:
    simulator = ServiceProcess(["simulate", "jenkins", "--port", "0"])
    assert simulator.url.startswith("http://127.0.0.1:")

    simulator.kill()

    assert simulator.process.returncode == -signal.SIGKILL
