"""One warning per key (a client's address) per window, saying how many it stands for.

A client calling an endpoint without credentials, in a loop, would otherwise write a
warning per call (545 lines in one test run). The first refusal of a key is logged at
once, so the signal comes when it starts; later ones inside the window are counted, and
the first after it is logged with the count since the last warning. Kept in memory per
process, bounded like the rate limiter: the least recently seen key is forgotten first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass
class _Seen:
    logged_at: float
    unlogged: int = 0


class WarningThrottle:
    """Thread-safe."""

    def __init__(self, window_seconds: float = 60.0, *, max_keys: int = 10_000) -> None:
        self.window_seconds, self.max_keys = window_seconds, max_keys
        self._seen: OrderedDict[str, _Seen] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, key: str, now: float) -> int:
        """How many occurrences a warning logged now for `key` would report (this one and
        those not logged since the last); 0 when this one is only counted. `now` is in
        seconds (monotonic)."""
        with self._lock:
            seen = self._seen.get(key)
            if seen is not None and now - seen.logged_at < self.window_seconds:
                seen.unlogged += 1
                self._seen.move_to_end(key)
                return 0
            count = 1 + (seen.unlogged if seen is not None else 0)
            self._seen[key] = _Seen(logged_at=now)
            self._seen.move_to_end(key)
            while len(self._seen) > self.max_keys:
                self._seen.popitem(last=False)
            return count
