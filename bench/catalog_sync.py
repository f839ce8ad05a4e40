"""Benchmark: syncing a 5,000-job catalog, ours against the naive approach.

A simulated Jenkins (its own process) serves 50 folders x 100 jobs with 3-6 parameters
each and adds 20 ms of latency to every request, like a Jenkins across a network. We
time `run_sync` (one `tree=` request, then the database writes: first a cold sync that
inserts everything, then warm ones where nothing changed; the Jenkins side's own time
to answer is part of every figure) and, in the same run, the
naive approach: list the folders and jobs, then one job-info request per job, as people
do with python-jenkins' get_all_jobs + get_job_info. Prints one JSON object.

    python bench/catalog_sync.py [--folders 50] [--jobs-per-folder 100] [--latency-ms 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from releasegate.simulators.process import SimulatorProcess

USER, TOKEN = "bench", "bench-token"
WARM_RUNS = 5


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folders", type=int, default=50)
    parser.add_argument("--jobs-per-folder", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="releasegate-bench-"))
    scenario = work / "catalog.toml"
    scenario.write_text(
        f"quiet_period = 0\n[faults]\nlatency_ms = {args.latency_ms}\n"
        f"[[generate]]\nfolders = {args.folders}\njobs_per_folder = {args.jobs_per_folder}\n"
        "min_parameters = 3\nmax_parameters = 6\n"
    )
    options = ("--scenario", str(scenario), "--user", USER, "--token", TOKEN)
    with SimulatorProcess("jenkins", options) as simulator:
        url = simulator.url
        result: dict[str, Any] = {
            "catalog": {"folders": args.folders, "jobs": args.folders * args.jobs_per_folder},
            "latency_ms_per_request": args.latency_ms,
            "ours": _ours(url, work),
        }
        if not args.skip_naive:
            result["naive"] = _naive(url)
    ours = result["ours"]
    result["target"] = {
        "requests_per_server": 1,
        "max_seconds": 2.0,
        "met": ours["cold"]["requests"] == 1
        and ours["cold"]["wall_seconds"] < 2.0
        and ours["warm"]["median_wall_seconds"] < 2.0,
    }
    print(json.dumps(result, indent=2))
    return 0 if result["target"]["met"] else 1


def _ours(url: str, work: Path) -> dict[str, Any]:
    os.environ.update(
        RELEASEGATE_DATA_DIR=str(work),
        SECRET_KEY="bench-only-secret-key-0123456789-0123456789",
        JENKINS_URL=url,
        JENKINS_USER=USER,
        JENKINS_TOKEN=TOKEN,
        DJANGO_SETTINGS_MODULE="releasegate.settings",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from releasegate.catalog.models import Application
    from releasegate.catalog.sync import run_sync
    from releasegate.connections import jenkins_client

    call_command("migrate", verbosity=0)
    samples = []
    with jenkins_client(settings.CONFIG) as client:
        for _ in range(1 + WARM_RUNS):
            started = time.perf_counter()
            record = run_sync(client, settings.CONFIG.options.catalog)
            samples.append(
                {
                    "wall_seconds": round(time.perf_counter() - started, 3),
                    "requests": record.requests,
                    "added": record.added,
                    "changed": record.changed,
                }
            )
    warm = samples[1:]
    runs: dict[str, Any] = {
        "cold": samples[0],
        "warm": {
            "runs": warm,
            "median_wall_seconds": statistics.median(run["wall_seconds"] for run in warm),
        },
    }
    runs["parameters_stored"] = sum(
        len(parameters) for parameters in Application.objects.values_list("parameters", flat=True)
    )
    runs["database"] = str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1]
    return runs


def _naive(url: str) -> dict[str, Any]:
    started = time.perf_counter()
    requests = 0
    with httpx.Client(base_url=url, auth=(USER, TOKEN), timeout=30) as http:
        listing = http.get("api/json", params={"tree": "jobs[name,url,jobs[name,url]]"})
        requests += 1
        job_urls = [job["url"] for folder in listing.json()["jobs"] for job in folder["jobs"]]
        parameters = 0
        for job_url in job_urls:
            info = http.get(job_url + "api/json")
            requests += 1
            for prop in info.json().get("property", []):
                parameters += len(prop.get("parameterDefinitions") or [])
    return {
        "wall_seconds": round(time.perf_counter() - started, 3),
        "requests": requests,
        "parameters_seen": parameters,
    }


if __name__ == "__main__":
    sys.exit(main())
