"""Frequency limits (访问频率限制, reference section B5): fixed one-minute windows of the
simulator's clock per key (an API, a robot, a member), so a test moves the clock instead
of waiting. An API over its budget answers 45009 (接口调用超过限制)."""

from __future__ import annotations

import math

RATE_LIMITED = 45009
WINDOW = 60.0


class Windows:
    """Calls counted per key and minute. Callers hold a lock."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}

    def take(self, key: str, limit: int | None, now: float) -> bool:
        """Count a call; False when `key` already made `limit` calls this minute."""
        if limit is None:
            return True
        start, count = self._windows.get(key, (-math.inf, 0))
        if now >= start + WINDOW:
            start, count = math.floor(now / WINDOW) * WINDOW, 0
        if count >= limit:
            return False
        self._windows[key] = (start, count + 1)
        return True
