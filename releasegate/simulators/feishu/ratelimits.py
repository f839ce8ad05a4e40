"""Frequency limits (频控策略, reference section A5): each API has its own per-minute and
per-second budget per app; a call over it is refused with HTTP 429, code 99991400 and the
headers `x-ogw-ratelimit-limit` (the budget) and `x-ogw-ratelimit-reset` (seconds until
it refills). Windows are fixed, like the gateway's: a minute (or second) of the
simulator's clock, so a test moves the clock instead of waiting."""

from __future__ import annotations

import math
from collections.abc import Mapping

from releasegate.simulators.feishu.settings import RateLimit
from releasegate.simulators.feishu.wire import Response, error

RATE_LIMITED = 99991400


class Window:
    """A fixed window of `length` seconds allowing `limit` calls. Callers hold a lock."""

    def __init__(self, limit: int, length: float) -> None:
        self.limit = limit
        self.length = length
        self._start = -math.inf
        self._count = 0

    def take(self, now: float) -> float | None:
        """Count a call; None when allowed, else the seconds until the window refills."""
        if now >= self._start + self.length:
            self._start = math.floor(now / self.length) * self.length
            self._count = 0
        if self._count >= self.limit:
            return self._start + self.length - now
        self._count += 1
        return None


class Windows:
    """Windows by key (an API, a receiver, a bot), created on first use."""

    def __init__(self) -> None:
        self._windows: dict[tuple[str, float], Window] = {}

    def take(self, key: str, limit: RateLimit, now: float) -> tuple[int, float] | None:
        """None when the call fits `limit` (per minute, per second); else the budget it
        broke and the seconds until that window refills."""
        per_minute, per_second = limit
        for budget, length in ((per_second, 1.0), (per_minute, 60.0)):
            if budget is None:
                continue
            window = self._windows.setdefault((key, length), Window(budget, length))
            wait = window.take(now)
            if wait is not None:
                return budget, wait
        return None


class ApiLimits:
    """The per-API limits of the open platform. Callers hold the world lock."""

    def __init__(self, limits: Mapping[str, RateLimit]) -> None:
        self.limits = dict(limits)
        self._windows = Windows()

    def refusal(self, api: str, now: float) -> Response | None:
        broken = self._windows.take(api, self.limits.get(api, (None, None)), now)
        if broken is None:
            return None
        budget, wait = broken
        headers = {
            "x-ogw-ratelimit-limit": str(budget),
            "x-ogw-ratelimit-reset": str(max(1, math.ceil(wait))),
        }
        return error(429, RATE_LIMITED, "request trigger frequency limit", headers)
