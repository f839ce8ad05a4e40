"""Benchmark: ReleaseGate's share of WeCom's approval-API quota, measured.

WeCom allows the approval APIs (applyevent, getapprovaldetail, getapprovalinfo,
gettemplatedetail) 600 calls a minute for the whole company, shared with every other app.
This runs real processes — the Jenkins and WeCom simulators and `releasegate serve` with
its worker, the reconcile every minute — submits `--approvals` applications through the
simulated WeCom (most approved, some left pending), waits until the approved ones are
released, then watches two reconcile runs. It counts, from WeCom's own request log, the
approval calls per application and per reconcile run, and projects ReleaseGate's calls a
minute for a company making `--per-day` releases with `--pending` waiting at any time and
the reconcile every `--reconcile-minutes` (the default, 5).

    python bench/wecom_quota.py [--approvals 20] [--left-pending 5] [--per-day 200]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from releasegate.lib.process import ServiceProcess
from releasegate.simulators.process import SimulatorProcess

APPROVAL_APIS = (
    "oa/applyevent",
    "oa/getapprovaldetail",
    "oa/getapprovalinfo",
    "oa/gettemplatedetail",
)
QUOTA_PER_MINUTE = 600
FORM = {
    "项目名称": {"key": "project:mall", "value": "商城 (mall)"},
    "应用名称": {"key": "application:mall/web-frontend", "value": "商城前端 (mall/web-frontend)"},
    "发布类型": "全量",
    "是否有数据库变更": "否",
    "分支或标签": "master",
    "环境": "prod",
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--approvals", type=int, default=20)
    parser.add_argument("--left-pending", type=int, default=5)
    parser.add_argument("--per-day", type=int, default=200, help="releases a day, projected")
    parser.add_argument("--pending", type=int, default=20, help="waiting at once, projected")
    parser.add_argument("--reconcile-minutes", type=int, default=5, help="projected")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="releasegate-wecom-quota-"))
    with (work / "services.log").open("w") as log:
        result = _run(args, work, log)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _run(args: argparse.Namespace, work: Path, log: Any) -> dict[str, Any]:
    from releasegate.cli.demo import DEMO_TOKEN, DEMO_USER, prepare_environment
    from releasegate.simulators.wecom.control import WeComControl

    jenkins_options = ("--scenario", "demo", "--user", DEMO_USER, "--token", DEMO_TOKEN)
    with (
        SimulatorProcess("jenkins", jenkins_options, log=log) as jenkins,
        SimulatorProcess("wecom", log=log) as wecom,
    ):
        prepare_environment(work, jenkins.url, wecom.url, platform="wecom")
        config = Path(os.environ["RELEASEGATE_CONFIG"])
        config.write_text(
            config.read_text(encoding="utf-8") + "\n[wecom]\nreconcile_minutes = 1\n",
            encoding="utf-8",
        )
        _migrate_and_sync()
        control = WeComControl(wecom.url)
        with ServiceProcess(["serve", "--port", "0"], env=os.environ, log=log) as server:
            control.set_callback_url(f"{server.url}wecom/events")
            control.reset_requests()
            started = time.monotonic()
            approved = _submit(control, args.approvals, args.left_pending)
            _wait_for_releases(len(approved), 120)
            flow = _approval_calls(control)
            flow_s = time.monotonic() - started
            control.reset_requests()
            time.sleep(125)  # two reconcile runs
            steady = _approval_calls(control)
        control.close()
    per_application = sum(flow.values()) / args.approvals
    per_run = sum(steady.values()) / 2
    # A run lists the template's applications and reads each one still pending: what
    # it cost here beyond this run's pending ones is its fixed part.
    per_run_cost = max(per_run - args.left_pending, 0) + args.pending
    projected = args.per_day * per_application / (24 * 60) + per_run_cost / args.reconcile_minutes
    return {
        "applications": args.approvals,
        "left_pending": args.left_pending,
        "flow": {"seconds": round(flow_s, 1), "approval_calls": dict(flow)},
        "approval_calls_per_application": round(per_application, 2),
        "reconcile": {"runs": 2, "approval_calls": dict(steady), "per_run": per_run},
        "projection": {
            "releases_per_day": args.per_day,
            "pending_at_once": args.pending,
            "reconcile_minutes": args.reconcile_minutes,
            "reconcile_calls_per_run": per_run_cost,
            "calls_per_minute": round(projected, 2),
            "share_of_600_per_minute": round(projected / QUOTA_PER_MINUTE, 4),
        },
        "logs": str(work / "services.log"),
    }


def _migrate_and_sync() -> None:
    from releasegate.cli.base import setup_django

    setup_django()
    from django.core.management import call_command

    from releasegate.catalog.sync import run_sync
    from releasegate.cli.base import config
    from releasegate.config import CatalogOptions
    from releasegate.connections import jenkins_client

    call_command("migrate", interactive=False, verbosity=0)
    with jenkins_client(config()) as client:
        run_sync(client, CatalogOptions())


def _submit(control: Any, count: int, pending: int) -> list[str]:
    approved = []
    for n in range(count):
        sp_no = control.submit(FORM, "zhangsan")
        if n < count - pending:
            control.approve(sp_no, "lisi")
            control.approve(sp_no, "wangwu")
            approved.append(sp_no)
    return approved


def _wait_for_releases(count: int, seconds: float) -> None:
    from releasegate.releases.models import Release

    deadline = time.monotonic() + seconds
    while Release.objects.count() < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {Release.objects.count()} of {count} releases arrived")
        time.sleep(0.5)


def _approval_calls(control: Any) -> Counter[str]:
    calls: Counter[str] = Counter()
    for record in control.requests():
        path = str(record.get("path", "")).removeprefix("/cgi-bin/")
        if path in APPROVAL_APIS:
            calls[path] += 1
    return calls


if __name__ == "__main__":
    sys.exit(main())
