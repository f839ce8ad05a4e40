"""A token bucket per client: `rate` requests a second on average, `burst` at once.

Kept in the process's memory, on purpose: it is a guard against floods on the public
endpoints, not a quota. With several web processes each keeps its own buckets, so a
client gets up to N times the rate; that still stops a flood, costs no database write
per request (the connector's option calls must stay fast) and needs no shared cache.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float
    limited: bool = False


class RateLimiter:
    """Thread-safe. Remembers at most `max_clients` clients, forgetting the least recently
    seen first (a forgotten client starts again with a full bucket)."""

    def __init__(self, rate: float, burst: int, *, max_clients: int = 10_000) -> None:
        self.rate, self.burst, self.max_clients = rate, burst, max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, client: str, now: float) -> tuple[float, bool]:
        """(0, False) when `client` may go ahead at `now` (seconds, monotonic); otherwise
        the seconds until it may, and whether this is its first refusal in a row."""
        with self._lock:
            bucket = self._bucket(client, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                bucket.limited = False
                return 0.0, False
            first = not bucket.limited
            bucket.limited = True
            return (1 - bucket.tokens) / self.rate, first

    def waiting(self, client: str, now: float) -> float:
        """The seconds until `client` may go ahead at `now` (0: it may), taking nothing:
        for limits that spend a token only on some outcome (a failed login)."""
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                return 0.0
            tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def _bucket(self, client: str, now: float) -> _Bucket:
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = self._buckets[client] = _Bucket(tokens=self.burst, at=now)
            if len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        self._buckets.move_to_end(client)
        return bucket


def retry_after(seconds: float) -> str:
    """The `Retry-After` header's value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
