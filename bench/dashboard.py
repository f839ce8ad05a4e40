"""Benchmark: the dashboard's pages with a 5,000-job catalog and 10,000 releases; then
the insights pages and the home page's glance (their own part, at the end).

A simulated Jenkins (its own process) serves 50 folders x 100 jobs; one `run_sync` fills
the catalog, and releases are inserted in bulk (several approvers each, spread over weeks).
Each page is then fetched many times by a logged-in user through Django's whole handling
(middleware, session, the view, the template), in process; what a WSGI server adds around
it is not counted. The releases table's body is what every open releases page fetches
every 5 seconds, so it matters most. Prints one JSON object; exits 1 when a page's p99
misses the target.

    python bench/dashboard.py [--folders 50] [--jobs-per-folder 100] [--releases 10000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_catalog import TOKEN, USER, migrate_and_sync

from releasegate.simulators.process import SimulatorProcess

# A person reading a page notices a second; the table body is fetched every 5 s per viewer.
TARGET_P99_MS = 1000.0
WARMUP = 3
PAGES = {
    "releases": "/releases/",
    "release_rows": "/releases/rows/",
    "release_rows_by_person": "/releases/rows/?person=user7",
    "release_rows_filtered": "/releases/rows/?state=SUCCEEDED&project={project}"
    "&since=2026-01-02&until=2026-01-20",
    "release_rows_page_100": "/releases/rows/?page=100",
    "release": "/releases/{release}/",
    "catalog": "/catalog/",
    "catalog_project": "/catalog/?project={project}",
    "new_release": "/requests/new?project={project}&application={application}",
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folders", type=int, default=50)
    parser.add_argument("--jobs-per-folder", type=int, default=100)
    parser.add_argument("--releases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30, help="measured per page")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="releasegate-bench-"))
    scenario = work / "catalog.toml"
    scenario.write_text(
        f"quiet_period = 0\n[[generate]]\nfolders = {args.folders}\n"
        f"jobs_per_folder = {args.jobs_per_folder}\nmin_parameters = 3\nmax_parameters = 6\n"
    )
    options = ("--scenario", str(scenario), "--user", USER, "--token", TOKEN)
    with SimulatorProcess("jenkins", options) as simulator:
        jobs = migrate_and_sync(simulator.url, work)
    chosen = _releases(args.releases)
    client = _signed_in()
    pages = {name: _measure(client, path.format(**chosen), args) for name, path in PAGES.items()}
    met = all(figures["p99_ms"] < TARGET_P99_MS for figures in pages.values())
    insights = insights_part(client, args, chosen)
    result = {
        "catalog": {"jobs": jobs},
        "releases": args.releases,
        "requests_per_page": args.requests,
        "pages": pages,
        "target": {"p99_ms_below": TARGET_P99_MS, "met": met},
        "insights": insights,
    }
    print(json.dumps(result, indent=2))
    return 0 if met and insights["target"]["met"] else 1


def _releases(count: int) -> dict[str, Any]:
    """Insert `count` ended releases of the catalog's applications; a release, a project
    and an application of it for the pages to show."""
    from releasegate.catalog.models import Application
    from releasegate.releases.models import Approval, Release

    names = list(Application.objects.values_list("full_name", flat=True))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    approvals = Approval.objects.bulk_create(
        Approval(
            provider="dingtalk",
            instance_id=f"bench-{n}",
            status="approved",
            provider_status="COMPLETED agree",
            first_seen_at=start,
            refreshed_at=start,
        )
        for n in range(count)
    )
    Release.objects.bulk_create(
        (
            Release(
                approval=approval,
                state="SUCCEEDED" if n % 7 else "FAILED",
                project_key=names[n % len(names)].split("/", 1)[0],
                application_name=names[n % len(names)],
                originator_user_id=f"user{n % 300}",
                approver_user_ids=[f"user{(n + 1) % 300}", f"user{(n + 2) % 300}"],
                received_via="event",
                received_at=start + timedelta(minutes=5 * n),
                updated_at=start,
                console_tail="build log line\n" * 50,
            )
            for n, approval in enumerate(approvals)
        ),
        batch_size=1000,
    )
    release = Release.objects.order_by("-id").values_list("id", flat=True).first()
    application = names[len(names) // 2]
    return {"release": release, "project": application.split("/", 1)[0], "application": application}


def _signed_in() -> Any:
    from django.contrib.auth.models import User
    from django.test import Client

    from releasegate.web.models import Profile

    user = User.objects.create_user("bench")
    # With a DingTalk id, so the new-release page shows its form.
    Profile.objects.create(user=user, dingtalk_user_id="user7")
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _measure(client: Any, path: str, args: argparse.Namespace) -> dict[str, Any]:
    times: list[float] = []
    for n in range(WARMUP + args.requests):
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{path}: answered {response.status_code}")
        if n >= WARMUP:
            times.append(elapsed * 1000)
    times.sort()
    return {
        "path": path,
        "p50_ms": round(statistics.median(times), 1),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
        "bytes": len(response.content),
    }


# ---- Insights and today at a glance ---------------------------------------------------
# Measured after the pages above, on the same releases, once they are given the times a
# real history has (approval asked and completed, trigger, end, a commit for two in
# three): the insights read those. Own target: these pages aggregate weeks of releases.
INSIGHTS_TARGET_P99_MS = 200.0
INSIGHTS_PAGES = {
    "home_glance": "/",
    "insights_12_weeks": "/insights/?since={since}&until={until}",
    "insights_project": "/insights/?project={project}&since={since}&until={until}",
    "insights_application": "/insights/?application={application}&since={since}&until={until}",
    "insights_csv": "/insights/weeks.csv?project={project}&since={since}&until={until}",
    "api_insights": "/api/insights?since={since}&until={until}",
    "insights_whole_range": "/insights/?since={first}&until={until}",
}


def insights_part(client: Any, args: argparse.Namespace, chosen: dict[str, Any]) -> dict[str, Any]:
    """Each insights page's figures, and whether all met their target."""
    days = _give_releases_their_times()
    pages = {
        name: _measure(client, path.format(**chosen, **days), args)
        for name, path in INSIGHTS_PAGES.items()
    }
    met = all(figures["p99_ms"] < INSIGHTS_TARGET_P99_MS for figures in pages.values())
    return {
        "range": days,
        "pages": pages,
        "target": {"p99_ms_below": INSIGHTS_TARGET_P99_MS, "met": met},
    }


def _give_releases_their_times() -> dict[str, str]:
    """Times relative to each release's receiving, in a few bulk UPDATEs; the range of
    days they span, and the last twelve weeks of it."""
    from django.db.models import F, OuterRef, Subquery
    from django.db.models.functions import Mod

    from releasegate.releases.models import Approval, Release

    received = Subquery(Release.objects.filter(approval=OuterRef("pk")).values("received_at")[:1])
    Approval.objects.update(finished_at_provider=received)
    Approval.objects.update(created_at_provider=F("finished_at_provider") - timedelta(hours=2))
    Release.objects.update(
        trigger_attempted_at=F("received_at") + timedelta(minutes=1),
        started_at=F("received_at") + timedelta(minutes=2),
        finished_at=F("received_at") + timedelta(minutes=12),
    )
    Release.objects.annotate(third=Mod("id", 3)).exclude(third=0).update(
        first_commit_at=F("received_at") - timedelta(hours=20)
    )
    first = Release.objects.order_by("received_at").values_list("received_at", flat=True)[0]
    last = Release.objects.order_by("-received_at").values_list("received_at", flat=True)[0]
    return {
        "first": first.date().isoformat(),
        "since": (last.date() - timedelta(days=83)).isoformat(),
        "until": last.date().isoformat(),
    }


if __name__ == "__main__":
    sys.exit(main())
