"""Waiting, briefly and boundedly, for what another thread or process does over a socket.
Simulated time is moved, never waited for; this is only for real socket events."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float = 15.0) -> T:
    """`check()`'s value once it is truthy; AssertionError with the last value after
    `timeout` seconds (long: it costs nothing when the check passes, and the suite runs
    in parallel processes on small machines, where another thread may wait its turn)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert value, f"still {value!r} after {timeout} s"
    return value
