"""Benchmark: the connector actions and Feishu's external options against a 5,000-job
catalog, server-side.

A simulated Jenkins (its own process) serves 50 folders x 100 jobs with 3-6 parameters
each; one `run_sync` fills the catalog. Then every action is called many times in
process, each request signed with the API Secret as DingTalk's connector platform signs
it (Feishu's options calls carry their token in the body, as Feishu sends it), and two
times are taken per request:

- `server`: Django's whole handling (middleware, URL resolution, authentication, body
  parsing, the view, the JSON answer), i.e. `get_response` on a request built
  beforehand; what a WSGI server adds around it (HTTP parsing, sockets) is not counted;
- `view`: the view alone.

Requests vary: the applications of every project in turn, the parameters and the
submit-time check of random applications (with valid values from the catalog), and the
after-approval node with a new instance id each time (one database write per request);
Feishu's projects, the applications of every project in turn and a random application's
parameter choices.
Prints one JSON object; exits 1 when a p99 misses the target.

    python bench/connector.py [--folders 50] [--jobs-per-folder 100] [--requests 2000]
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench_catalog import TOKEN, USER, migrate_and_sync

from releasegate.simulators.process import SimulatorProcess

CONNECTOR_SECRET = "bench-connector-secret"
TARGET_P99_MS = 10.0
WARMUP = 50
OPTIONS_TOKEN = "bench-options-token"
ACTIONS = (
    "projects",
    "applications",
    "parameters",
    "validate",
    "approved",
    "feishu/projects",
    "feishu/applications",
    "feishu/choices",
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folders", type=int, default=50)
    parser.add_argument("--jobs-per-folder", type=int, default=100)
    parser.add_argument("--requests", type=int, default=2000, help="measured per action")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="releasegate-bench-"))
    scenario = work / "catalog.toml"
    scenario.write_text(
        f"quiet_period = 0\n[[generate]]\nfolders = {args.folders}\n"
        f"jobs_per_folder = {args.jobs_per_folder}\nmin_parameters = 3\nmax_parameters = 6\n"
    )
    options = ("--scenario", str(scenario), "--user", USER, "--token", TOKEN)
    with SimulatorProcess("jenkins", options) as simulator:
        jobs = _prepare(simulator.url, work)
    actions = {action: _measure(action, args.requests) for action in ACTIONS}
    met = all(figures["server_ms"]["p99"] < TARGET_P99_MS for figures in actions.values())
    result = {
        "catalog": {"folders": args.folders, "jobs": jobs},
        "requests_per_action": args.requests,
        "actions": actions,
        "target": {"server_p99_ms_below": TARGET_P99_MS, "met": met},
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if met else 1


def _prepare(jenkins_url: str, work: Path) -> int:
    """Django for the bench with the demo-like DingTalk app the connector checks against."""
    return migrate_and_sync(
        jenkins_url,
        work,
        DINGTALK_APP_KEY="dingbenchappkey",
        DINGTALK_APP_SECRET="bench-app-secret",
        DINGTALK_AGENT_ID="1000",
        DINGTALK_PROCESS_CODE="PROC-BENCH",
        DINGTALK_EVENT_TOKEN="benchtoken",
        DINGTALK_EVENT_AES_KEY="b" * 43,
        DINGTALK_CONNECTOR_AUTH="apisecret",
        DINGTALK_CONNECTOR_SECRET=CONNECTOR_SECRET,
        DINGTALK_API_BASE="http://127.0.0.1:9",
        DINGTALK_OAPI_BASE="http://127.0.0.1:9",
        FEISHU_APP_ID="cli_bench",
        FEISHU_APP_SECRET="bench-app-secret",
        FEISHU_APPROVAL_CODE="BENCH-APPROVAL",
        FEISHU_OPTIONS_TOKEN=OPTIONS_TOKEN,
        FEISHU_API_BASE="http://127.0.0.1:9",
        # Every request here comes from one address, far faster than any caller may: the
        # limit is set beyond reach, so its bookkeeping is measured but nothing refused.
        RELEASEGATE_RATE_LIMIT="1000000000",
        RELEASEGATE_RATE_BURST="1000000000",
    )


def _bodies(action: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Endless, varied (path, body) for `action`, from the synced catalog."""
    from releasegate.catalog import snapshot
    from releasegate.catalog.lookup import option_label

    catalog = snapshot.current()
    rng = random.Random(7)
    applications = catalog.applications
    serial = 0
    path = f"/dingtalk/connector/{action}"
    while True:
        serial += 1
        project = catalog.projects[serial % len(catalog.projects)]
        app = rng.choice(applications)
        if action.startswith("feishu/"):
            yield _feishu(action, project.key, app)
        elif action == "projects":
            yield path, {}
        elif action == "applications":
            yield path, {"project": option_label(project.display_name, project.key)}
        elif action == "parameters":
            yield path, {"project": app.project_key, "application": app.full_name}
        elif action == "validate":
            yield (
                path,
                {
                    "project": app.project_key,
                    "application": option_label(app.display_name, app.full_name),
                    "release_time": "",
                    "db_change": "是",
                    "db_change_done": "是",
                    "parameters": {p.name: _valid_value(p.kind, p.choices) for p in app.parameters},
                },
            )
        else:
            yield path, {"instance_id": f"bench-{serial:08d}", "form": {"应用名称": app.full_name}}


def _feishu(action: str, project_key: str, app: Any) -> tuple[str, dict[str, Any]]:
    """A Feishu options call as Feishu makes it: the token and the person in the body,
    the linked widget's option id in `linkage_params`."""
    body: dict[str, Any] = {"token": OPTIONS_TOKEN, "user_id": "ou_bench", "locale": "zh_cn"}
    if action == "feishu/projects":
        return "/feishu/options/projects", body
    if action == "feishu/applications":
        linked = {"project": f"project:{project_key}"}
        return "/feishu/options/applications", body | {"linkage_params": linked}
    listed = [p.name for p in app.parameters if p.choices] or [app.parameters[0].name]
    linked = {"application": f"application:{app.full_name}"}
    return f"/feishu/options/choices/{listed[0]}", body | {"linkage_params": linked}


def _valid_value(kind: str, choices: tuple[str, ...]) -> str:
    if kind == "boolean":
        return "true"
    return choices[-1] if choices else "bench"


def _measure(action: str, count: int) -> dict[str, Any]:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    from releasegate.integrations.dingtalk.crypto import api_secret_signature

    handler, factory = WSGIHandler(), RequestFactory(HTTP_HOST="localhost")
    view_times: list[float] = []
    _time_views(view_times)
    timestamp = str(int(time.time()))
    headers = {
        "x-ddpaas-signature-timestamp": timestamp,
        "x-ddpaas-signature": api_secret_signature(CONNECTOR_SECRET, timestamp),
    }
    bodies = _bodies(action)
    server_times: list[float] = []
    for n in range(WARMUP + count):
        path, body = next(bodies)
        request = factory.post(
            path,
            json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            headers=headers,
        )
        started = time.perf_counter()
        response = handler.get_response(request)
        elapsed = time.perf_counter() - started
        response.close()
        if response.status_code != 200 or b'"valid":false' in getattr(response, "content", b""):
            # Timing refusals would flatter the figures: every body here is a good one.
            raise SystemExit(f"{action}: answered {response.status_code} {response!r}")
        if n >= WARMUP:
            server_times.append(elapsed)
    del view_times[:WARMUP]
    return {"server_ms": _summary(server_times), "view_ms": _summary(view_times)}


def _time_views(into: list[float]) -> None:
    """Wrap every connector view so its own time lands in `into` (replacing the wrapper
    a previous action installed)."""
    from django.urls import get_resolver

    for pattern in _patterns(get_resolver().url_patterns):
        if pattern.lookup_str.startswith(
            (
                "releasegate.integrations.dingtalk.connector.",
                "releasegate.integrations.feishu.options.",
            )
        ):
            inner = getattr(pattern.callback, "timed_view", pattern.callback)
            pattern.callback = _timed(inner, into)


def _timed(view: Callable[..., Any], into: list[float]) -> Callable[..., Any]:
    @functools.wraps(view)  # keeps `csrf_exempt`
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return view(*args, **kwargs)
        finally:
            into.append(time.perf_counter() - started)

    timed.timed_view = view  # type: ignore[attr-defined]
    return timed


def _patterns(patterns: list[Any]) -> Iterator[Any]:
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _patterns(pattern.url_patterns)
        else:
            yield pattern


def _summary(seconds: list[float]) -> dict[str, float | int]:
    ordered = sorted(seconds)
    millis = [value * 1000 for value in ordered]
    return {
        "requests": len(millis),
        "p50": round(statistics.median(millis), 3),
        "p99": round(millis[min(len(millis) - 1, int(len(millis) * 0.99))], 3),
        "max": round(millis[-1], 3),
        "mean": round(statistics.fmean(millis), 3),
    }


if __name__ == "__main__":
    sys.exit(main())
