"""Pausing Python's cyclic garbage collector around bulk work.

Building a large catalog creates hundreds of thousands of small objects with no
reference cycles (reference counting frees them). Each allocation burst makes the
cyclic collector walk all of them again, for nothing: on a 5,000-job listing that was a
third of the sync's own time (measured with bench/catalog_sync.py).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.was_enabled = False


_pause = _Pause()


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block. Nested and concurrent blocks are safe:
    the collector comes back, if it was on before the first, when the last one ends."""
    with _pause.lock:
        if _pause.holders == 0:
            _pause.was_enabled = gc.isenabled()
            gc.disable()
        _pause.holders += 1
    try:
        yield
    finally:
        with _pause.lock:
            _pause.holders -= 1
            if _pause.holders == 0 and _pause.was_enabled:
                gc.enable()
