"""bench/dashboard.py, run small (a 10-job catalog, 300 releases): it seeds, signs in,
fetches every page it names (or those `--pages` names) and prints their figures, as the
full run does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dashboard import PAGES

BENCH = Path(__file__).resolve().parents[1]
SMALL = ("--folders", "2", "--jobs-per-folder", "5", "--releases", "300", "--requests", "2")


def _run(*options: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, str(BENCH / "dashboard.py"), *options],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=BENCH.parent,
        check=False,
    )


def test_it_measures_every_page_with_the_target_stated() -> None:
    run = _run(*SMALL)

    assert run.returncode in (0, 1), run.stderr
    result = json.loads(run.stdout)
    assert set(result["pages"]) == set(PAGES)
    assert result["releases"] == 300
    assert result["database"] == "sqlite"
    assert result["target"]["p99_ms_below"] == 50.0
    assert all(figures["p99_ms"] > 0 for figures in result["pages"].values())


def test_it_measures_only_the_pages_named() -> None:
    run = _run(*SMALL, "--pages", "catalog, insights_csv")

    assert run.returncode in (0, 1), run.stderr
    result = json.loads(run.stdout)
    assert set(result["pages"]) == {"catalog"}
    assert set(result["insights"]["pages"]) == {"insights_csv"}


def test_a_page_it_does_not_know_is_named_before_anything_runs() -> None:
    run = _run("--pages", "catalog,nowhere")

    assert run.returncode == 2
    assert "no such page: nowhere" in run.stderr
