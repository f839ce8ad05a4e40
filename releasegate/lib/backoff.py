"""Waiting between failed attempts to reach a platform: exponential, capped, jittered."""

from __future__ import annotations

import random


class Backoff:
    """Delays between failed attempts: initial, 2x, 4x … up to `maximum` seconds, each
    drawn between half and all of that (jitter), so many clients do not retry in step."""

    def __init__(self, initial: float, maximum: float, rng: random.Random | None = None) -> None:
        self._initial = initial
        self._maximum = maximum
        self._random = rng or random.Random()  # noqa: S311  (jitter, not a secret)

    def delay(self, failures: int) -> float:
        """The wait before the next attempt after `failures` failures in a row (>= 1)."""
        ceiling = min(self._maximum, self._initial * 2 ** (failures - 1))
        return self._random.uniform(ceiling / 2, ceiling)
