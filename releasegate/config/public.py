"""Limits on the endpoints anyone can reach (the connector actions, the event push)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from releasegate.config.problems import Problem


@dataclass(frozen=True)
class PublicLimits:
    # Far above any form (a few dozen short fields) or pushed event (under 2 KiB).
    max_body_bytes: int = 64 * 1024
    # Per client address. DingTalk's connector platform calls from a few addresses on
    # behalf of every user filling the form, so the defaults are generous: they stop a
    # flood, not a busy Monday. A rate of 0 turns the limit off.
    rate_per_second: float = 50.0
    burst: int = 500


def read_public_limits(environ: Mapping[str, str], problems: list[Problem]) -> PublicLimits:
    default = PublicLimits()
    return PublicLimits(
        max_body_bytes=int(
            _number(environ, "RELEASEGATE_MAX_BODY_BYTES", default.max_body_bytes, problems, 1024)
        ),
        rate_per_second=_number(
            environ, "RELEASEGATE_RATE_LIMIT", default.rate_per_second, problems, 0, float
        ),
        burst=int(_number(environ, "RELEASEGATE_RATE_BURST", default.burst, problems, 1)),
    )


def _number(
    environ: Mapping[str, str],
    name: str,
    default: float,
    problems: list[Problem],
    least: int,
    kind: type[int] | type[float] = int,
) -> float:
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        problems.append(Problem(name, f"{raw!r} is not a number"))
        return default
    if not least <= value < float("inf"):
        problems.append(Problem(name, f"must be a number of at least {least}"))
        return default
    return value
