"""`.ci/clock` on PYTHONPATH moves the wall clock of every Python process started with
RELEASEGATE_CLOCK_SHIFT_DAYS by that many days, from the real clock (a child does not add
its parent's shift to its own), and leaves it alone without the variable. These run in the
shifted CI pass too: the real time is read through time-machine's escape hatch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine

CLOCK = Path(__file__).resolve().parents[1] / "clock"
DAY = 86400.0

# Prints the wall clock as time.time and datetime.now read it, then a child's, when asked.
READ_THE_CLOCK = """
import datetime, json, subprocess, sys, time
read = {"time": time.time(), "datetime": datetime.datetime.now(datetime.UTC).timestamp()}
if "--child" in sys.argv:
    child = subprocess.run([sys.executable, "-c", sys.argv[1]], capture_output=True, text=True)
    read["child"] = json.loads(child.stdout)
print(json.dumps(read))
"""


def real_time() -> float:
    hatch = time_machine.escape_hatch
    return hatch.time.time() if hatch.is_travelling() else time.time()


def python(*args: str, days: str | None, pythonpath: list[Path] | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "RELEASEGATE_CLOCK_SHIFT_DAYS"}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in (pythonpath or [CLOCK]))
    if days is not None:
        env["RELEASEGATE_CLOCK_SHIFT_DAYS"] = days
    result = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def clock_read(days: str | None, *, child: bool = False) -> dict[str, object]:
    args = ["-c", READ_THE_CLOCK] + ([READ_THE_CLOCK, "--child"] if child else [])
    read: dict[str, object] = json.loads(python(*args, days=days))
    return read


def assert_between(read: object, earliest: float, latest: float) -> None:
    assert isinstance(read, dict)
    for clock in ("time", "datetime"):
        assert earliest <= read[clock] <= latest, (clock, read[clock] - earliest)


@pytest.mark.parametrize("days", ["400", "2.5"])
def test_a_process_reads_a_clock_moved_ahead_by_the_days_given(days: str) -> None:
    ahead = float(days) * DAY
    before = real_time()

    read = clock_read(days)

    assert_between(read, before + ahead, real_time() + ahead)


def test_a_process_started_without_the_variable_reads_the_real_clock() -> None:
    before = real_time()

    read = clock_read(None)

    assert_between(read, before, real_time())


def test_a_child_moves_from_the_real_clock_not_from_its_parents() -> None:
    before = real_time()

    read = clock_read("400", child=True)

    after = real_time()
    assert_between(read, before + 400 * DAY, after + 400 * DAY)
    assert_between(read["child"], before + 400 * DAY, after + 400 * DAY)


def test_a_clock_that_cannot_be_moved_stops_the_process_saying_why(tmp_path: Path) -> None:
    (tmp_path / "time_machine.py").write_text("raise ImportError('not installed')\n")
    env = {**os.environ, "RELEASEGATE_CLOCK_SHIFT_DAYS": "400"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(CLOCK)])

    result = subprocess.run(
        [sys.executable, "-c", "print('ran')"], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode != 0
    assert "ran" not in result.stdout
    assert "time-machine cannot be imported" in result.stderr


def test_the_sitecustomize_it_hides_still_runs(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text("import builtins\nbuiltins.CHAINED = True\n")

    for days in (None, "400"):
        out = python("-c", "print(CHAINED)", days=days, pythonpath=[CLOCK, tmp_path])

        assert out.strip() == "True"
