"""Yes/no settings from the environment, read alike everywhere."""

from __future__ import annotations

from collections.abc import Mapping

from releasegate.config.problems import Problem


def read_flag(environ: Mapping[str, str], name: str, problems: list[Problem]) -> bool:
    """The yes/no value of `name` (unset: no); a problem appended when it is neither."""
    raw = (environ.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    problems.append(Problem(name, f"{raw!r} is not a yes/no value (use 1 or 0)"))
    return False
