"""Moves this process's wall clock RELEASEGATE_CLOCK_SHIFT_DAYS days ahead when that is set,
and does nothing otherwise. CI runs the tests 400 days ahead with it, so that none depends
on the day it runs.

On PYTHONPATH, this module is imported by every Python process at start-up, so the
processes the tests start (the demo, workers, simulators) move too. Each moves from the
real clock, once: a child inherits the variable, not its parent's moved clock. Only the
wall clock moves (time.time, datetime.now and the like), with time-machine; the monotonic
clocks and sleeps stay real, which libfaketime cannot do for Python (every timed wait
lasted the shift, or time.sleep failed with EINVAL). What the system dates itself stays
at today: PostgreSQL's now(), SQLite's CURRENT_TIMESTAMP, file times, certificates.

A sitecustomize on PYTHONPATH hides any later one on sys.path (a distribution's, say), so
that one is run after this one.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import time
from pathlib import Path

SHIFT_VARIABLE = "RELEASEGATE_CLOCK_SHIFT_DAYS"


def _move_the_clock(days: float) -> None:
    try:
        import time_machine
    except ImportError as missing:
        raise SystemExit(
            f"{SHIFT_VARIABLE}={days:g}, but time-machine cannot be imported here "
            f"(it is a dev dependency: make venv): {missing}"
        ) from missing
    time_machine.travel(time.time() + days * 86400, tick=True).start()
    # time-machine starts ticking at the first reading: one now, so that the moved clock
    # keeps pace with the real one from start-up on.
    time.time()


def _run_the_next_sitecustomize() -> None:
    here = Path(__file__).resolve().parent
    rest = [entry for entry in sys.path if Path(entry or os.curdir).resolve() != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


def _days_ahead() -> float | None:
    text = os.environ.get(SHIFT_VARIABLE, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise SystemExit(f"{SHIFT_VARIABLE} is a number of days, not {text!r}") from None


_days = _days_ahead()
if _days is not None:
    _move_the_clock(_days)
_run_the_next_sitecustomize()
