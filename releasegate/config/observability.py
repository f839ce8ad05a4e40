"""Observability settings, from the environment: how logs are written and who may
read the metrics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from releasegate.config.problems import Problem

LogFormat = Literal["plain", "json"]
# A bearer token guessable by brute force protects nothing.
METRICS_TOKEN_MIN_LENGTH = 16


@dataclass(frozen=True)
class ObservabilitySettings:
    # "plain" for people reading a terminal (the demo); "json" for a log pipeline.
    log_format: LogFormat = "plain"
    # Empty: /metrics is open (keep it off the public network then).
    metrics_token: str = field(default="", repr=False)


def read_observability(
    environ: Mapping[str, str], problems: list[Problem]
) -> ObservabilitySettings:
    """LOG_FORMAT and METRICS_TOKEN; each problem appended, named by its setting."""
    raw_format = (environ.get("LOG_FORMAT") or "plain").strip().lower()
    log_format: LogFormat = "plain"
    if raw_format == "json":
        log_format = "json"
    elif raw_format != "plain":
        problems.append(Problem("LOG_FORMAT", f"{raw_format!r} is not plain or json"))
    token = (environ.get("METRICS_TOKEN") or "").strip()
    if token and len(token) < METRICS_TOKEN_MIN_LENGTH:
        problems.append(
            Problem("METRICS_TOKEN", f"must be at least {METRICS_TOKEN_MIN_LENGTH} characters")
        )
    return ObservabilitySettings(log_format=log_format, metrics_token=token)
