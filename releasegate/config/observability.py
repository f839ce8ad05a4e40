"""Observability settings, from the environment: how logs are written and who may
read the metrics (nobody, outside the demo, until METRICS_TOKEN or METRICS_OPEN says)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from releasegate.config.flags import read_flag
from releasegate.config.problems import Problem

LogFormat = Literal["plain", "json"]
# A bearer token guessable by brute force protects nothing.
METRICS_TOKEN_MIN_LENGTH = 16


@dataclass(frozen=True)
class ObservabilitySettings:
    # "plain" for people reading a terminal (the demo); "json" for a log pipeline.
    log_format: LogFormat = "plain"
    # Set: /metrics (and a worker's metrics port) answer only a scrape that sends it as a
    # bearer token.
    metrics_token: str = field(default="", repr=False)
    # Without a token: open to anyone when this is on (METRICS_OPEN, and the demo),
    # closed otherwise. Counts of releases and calls say what is deployed and when.
    metrics_open: bool = False


def read_observability(
    environ: Mapping[str, str], problems: list[Problem], demo: bool = False
) -> ObservabilitySettings:
    """LOG_FORMAT, METRICS_TOKEN and METRICS_OPEN (on by itself in the demo); each problem
    appended, named by its setting."""
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
    metrics_open = read_flag(environ, "METRICS_OPEN", problems) or demo
    return ObservabilitySettings(
        log_format=log_format, metrics_token=token, metrics_open=metrics_open
    )
