"""bench/dashboard.py, run small (a 10-job catalog, 300 releases): it seeds, signs in,
fetches every page it names and prints their figures, as the full run does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dashboard import PAGES

BENCH = Path(__file__).resolve().parents[1]
SMALL = ("--folders", "2", "--jobs-per-folder", "5", "--releases", "300", "--requests", "2")


def test_it_measures_every_page_with_the_target_stated() -> None:
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}

    run = subprocess.run(
        [sys.executable, str(BENCH / "dashboard.py"), *SMALL],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=BENCH.parent,
        check=False,
    )

    assert run.returncode in (0, 1), run.stderr
    result = json.loads(run.stdout)
    assert set(result["pages"]) == set(PAGES)
    assert result["releases"] == 300
    assert result["database"] == "sqlite"
    assert result["target"]["p99_ms_below"] == 50.0
    assert all(figures["p99_ms"] > 0 for figures in result["pages"].values())
