"""Chaos: approvals through every way in, while Jenkins misbehaves, DingTalk limits and
expires, and workers are killed; then the ground truth from the simulators.

Real processes, as in production: PostgreSQL, the Jenkins and DingTalk simulators,
`releasegate serve --no-worker` (the event push and the connector), `releasegate stream`
(Stream mode) and two `releasegate worker`s that are SIGKILLed at random moments and
started again. Jenkins answers about 20 % of API calls with a 503, holds 10 % past the
client's timeout and loses 5 % of the answers after doing the work. DingTalk's access
tokens are expired mid-run and its QPS limit is hit now and then. The approvals (agreed,
refused, terminated, revoked after approval, left waiting) are chaos_approvals.py's; the
verdict is chaos_verdict.py's.

Prints one JSON object; exits 1 when the run failed (a counter of
chaos_verdict.MUST_BE_ZERO is not 0, a forged delivery was accepted, or the deadline passed
before everything was done).

    python bench/chaos.py [--approvals 200] [--ci] [--seed 1] [--deadline 900]
                          [--database-url postgres://postgres@127.0.0.1:5432/rg_chaos]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import chaos_verdict
from chaos_approvals import PROJECT, Driver, Planned, instances, plan
from chaos_monkey import Monkey

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.integrations.dingtalk.crypto import EventCrypto
from releasegate.lib.process import ServiceProcess
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.process import SimulatorProcess

USER, TOKEN = "chaos", "chaos-token"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/rg_chaos"
JENKINS_FAULTS = {
    "error_rate": 0.20,
    "timeout_rate": 0.10,
    "lost_response_rate": 0.05,
    # Past the client's timeout (CONFIG below): the client gives up first.
    "timeout_seconds": 2.0,
}
CONFIG = """\
[jenkins]
timeout_seconds = 1.0

[dingtalk]
timeout_seconds = 5.0
# Reconcile is what notices a revocation nobody pushed (the connector way): every minute.
reconcile_minutes = 1

[releases]
poll_seconds = 0.5
# A trigger step makes up to three calls, each failing a third of the time here; 12
# attempts (the default is 8) make giving up a one-in-fifty-thousand event per release.
max_attempts = 12

[[releases.inputs]]
job = "chaos/*"
action = "proceed"
"""
STREAM_READY = re.compile(r"receiving DingTalk events")


def main() -> int:
    args = _arguments()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="releasegate-chaos-"))
    with (work / "services.log").open("w") as log, contextlib.ExitStack() as running:
        run = Run(args, work, log, running)
        try:
            result = run.play()
        finally:
            run.monkey.stop()
    result["duration_s"] = round(time.monotonic() - started, 1)
    result["logs"] = str(work / "services.log")
    ok = chaos_verdict.passed(result) and result["done_before_deadline"]
    result["passed"] = ok
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if ok else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--approvals", type=int, default=None, help="default 200 (30 with --ci)")
    parser.add_argument("--ci", action="store_true", help="the short run CI makes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=20, help="Jenkins jobs the approvals use")
    parser.add_argument("--deadline", type=float, default=None, help="seconds to be done in")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    )
    parser.add_argument("--kill-every", type=float, default=3.0, help="mean seconds between")
    args = parser.parse_args()
    if args.approvals is None:
        args.approvals = 30 if args.ci else 200
    if args.deadline is None:
        args.deadline = 150.0 if args.ci else 900.0
    return args


def scenario(jobs: int) -> str:
    """Pipelines of one project: half declare RELEASEGATE_RELEASE_ID (matched to their
    release by id after a lost answer), half do not (by parameters); every fifth waits at
    an input step; every seventh fails."""
    head = "quiet_period = 0\nexecutors = 64\n"
    head += f'[[users]]\nname = "{USER}"\ntoken = "{TOKEN}"\n'
    return head + "".join(_job(n) for n in range(jobs))


def _job(n: int) -> str:
    text = f'[[jobs]]\npath = "{PROJECT}/app-{n:02d}"\nduration = 1.0\n'
    text += 'result = "FAILURE"\n' if n % 7 == 6 else ""
    text += '[[jobs.parameters]]\nname = "BRANCH"\ndefault = "main"\n'
    text += '[[jobs.parameters]]\nname = "ENV"\ntype = "choice"\nchoices = ["prod", "staging"]\n'
    text += (
        '[[jobs.parameters]]\nname = "RELEASE_TYPE"\ntype = "choice"\nchoices = ["全量", "灰度"]\n'
    )
    if n % 2 == 0:
        text += '[[jobs.parameters]]\nname = "RELEASEGATE_RELEASE_ID"\ndefault = ""\n'
    if n % 5 == 4:
        text += '[jobs.input]\nmessage = "Deploy?"\nid = "deploy"\n'
    return text


def job_names(jobs: int) -> list[str]:
    return [f"{PROJECT}/app-{n:02d}" for n in range(jobs)]


def reset_database(url: str) -> None:
    """Drop and create the run's own database (its name is the URL's path)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        connection.execute(drop)
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Run:
    def __init__(
        self, args: argparse.Namespace, work: Path, log: Any, running: contextlib.ExitStack
    ) -> None:
        self.args, self.work, self.log, self.running = args, work, log, running
        self.rng = random.Random(args.seed)
        self.faults: dict[str, int] = {}
        self.monkey: Monkey | _Idle = _Idle()

    def play(self) -> dict[str, Any]:
        self._start_services()
        planned = plan(self.args.approvals, job_names(self.args.jobs), self.rng)
        self.jenkins_control.reset_requests()
        self.jenkins_control.set_faults(**JENKINS_FAULTS)
        self.monkey.start()
        driver = Driver(self.dingtalk, self.server.url, self._crypto(), self.rng)
        drive_started = time.monotonic()
        driver.play(planned, self._tick)
        revoked_late = self._revoke_when_scheduled(driver, planned)
        driven_s = time.monotonic() - drive_started
        deadline = time.monotonic() + self.args.deadline
        not_done = self._wait_until_done(planned, deadline)
        self.monkey.stop()
        truth = self._truth()
        result: dict[str, Any] = {"approvals": len(planned), "seed": self.args.seed}
        result |= chaos_verdict.builds_verdict(planned, truth)
        result |= chaos_verdict.database_verdict(truth)
        result |= {
            "done_before_deadline": not not_done,
            "not_done_at_deadline": not_done,
            "kills": self.monkey.kills,
            "faults_injected": self._faults_injected(),
            "ways_in": _ways(planned),
            "ends": _ends(planned),
            "revocations": {
                "at_once": sum(p.end == "revoke" and not p.revoke_later for p in planned),
                "later": sum(p.end == "revoke" and p.revoke_later for p in planned),
                "later_with_release_scheduled": revoked_late,
            },
            "deliveries_again": driver.tally.deliveries_again,
            "deliveries_again_out_of_order": driver.tally.out_of_order,
            "forged_sent": driver.tally.forged_sent,
            "forged_accepted": driver.tally.forged_accepted,
            "drive_s": round(driven_s, 1),
        }
        driver.close()
        return result

    # -- the processes ----------------------------------------------------------------

    def _start_services(self) -> None:
        """The simulators, then the database (migrated and synced from this process),
        then ReleaseGate's processes, each group started side by side."""
        scenario_file = self.work / "chaos-jenkins.toml"
        scenario_file.write_text(scenario(self.args.jobs), encoding="utf-8")
        options = ("--scenario", str(scenario_file), "--user", USER, "--token", TOKEN)
        jenkins, dingtalk = self._started(
            lambda: SimulatorProcess("jenkins", options, log=self.log),
            lambda: SimulatorProcess("dingtalk", ("--push", "both"), log=self.log),
        )
        self.jenkins_control = SimulatorControl(jenkins.url)
        self.dingtalk = DingTalkControl(dingtalk.url)
        env = self._environment(jenkins.url, dingtalk.url)
        reset_database(self.args.database_url)
        self._prepare_database(env)
        serve = ["serve", "--port", "0", "--no-worker"]
        stream = ["stream", "--backoff-max", "2"]
        self.server, _, *workers = self._started(
            lambda: ServiceProcess(serve, env=env, log=self.log),
            lambda: ServiceProcess(stream, env=env, log=self.log, ready=STREAM_READY),
            *[lambda: Monkey.start_worker(env, self.log)] * 2,
        )
        self.dingtalk.set_event_url(self.server.url + "dingtalk/events")
        self.dingtalk.configure_connector(url=self.server.url)
        self.monkey = Monkey(workers, env, self.log, self.rng, self.args.kill_every)

    def _started(self, *starts: Callable[[], ServiceProcess]) -> list[ServiceProcess]:
        """Start processes side by side (each takes seconds to import Django); every one
        is stopped when the run ends."""
        with ThreadPoolExecutor(len(starts)) as pool:
            futures = [pool.submit(start) for start in starts]
        started, failures = [], []
        for future in futures:
            try:
                started.append(self.running.enter_context(future.result()))
            except Exception as exc:  # the others are stopped with the run; then raised
                failures.append(exc)
        if failures:
            raise failures[0]
        return started

    def _prepare_database(self, env: dict[str, str]) -> None:
        """Migrate and sync the catalog here; this process reads the tables for the
        verdict later (it never writes releases)."""
        os.environ.update(env, DJANGO_SETTINGS_MODULE="releasegate.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from releasegate.catalog.sync import run_sync
        from releasegate.connections import jenkins_client

        call_command("migrate", verbosity=0)
        with jenkins_client(settings.CONFIG) as client:
            run_sync(client, settings.CONFIG.options.catalog)

    def _environment(self, jenkins_url: str, dingtalk_url: str) -> dict[str, str]:
        config = self.work / "chaos.toml"
        config.write_text(CONFIG, encoding="utf-8")
        inherited = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DINGTALK_", "JENKINS_", "RELEASEGATE_"))
        }
        return {
            **inherited,
            **DEMO_DINGTALK,
            "DATABASE_URL": self.args.database_url,
            "SECRET_KEY": "chaos-only-secret-key-0123456789-0123456789",
            "RELEASEGATE_DATA_DIR": str(self.work),
            "RELEASEGATE_CONFIG": str(config),
            "JENKINS_URL": jenkins_url,
            "JENKINS_USER": USER,
            "JENKINS_TOKEN": TOKEN,
            "DINGTALK_API_BASE": dingtalk_url,
            "DINGTALK_OAPI_BASE": dingtalk_url,
            "LOG_LEVEL": "WARNING",
        }

    def _crypto(self) -> EventCrypto:
        return EventCrypto(
            DEMO_DINGTALK["DINGTALK_EVENT_TOKEN"],
            DEMO_DINGTALK["DINGTALK_EVENT_AES_KEY"],
            DEMO_DINGTALK["DINGTALK_APP_KEY"],
        )

    # -- DingTalk's faults, between steps ------------------------------------------------

    def _tick(self, step: int) -> None:
        """Every 25 steps DingTalk's QPS limit is hit by the next few calls; at a third
        and at two thirds of the run every access token expires."""
        total = self.args.approvals * 3
        if step % 25 == 0:
            limited = self.rng.randint(2, 6)
            self.dingtalk.set_faults(qps_limit=limited)
        if step in (total // 3, 2 * total // 3):
            self.dingtalk.expire_tokens()
            self.faults["dingtalk_token_expired"] = self.faults.get("dingtalk_token_expired", 0) + 1

    def _faults_injected(self) -> dict[str, Any]:
        jenkins = self.jenkins_control.requests()
        limited = sum(1 for r in self.dingtalk.requests() if r.get("fault") == "qps_limit")
        return {
            "jenkins_requests": jenkins["total"],
            "jenkins": jenkins["by_fault"],
            "dingtalk_qps_limited_calls": limited,
            **self.faults,
        }

    # -- the end --------------------------------------------------------------------

    def _revoke_when_scheduled(self, driver: Driver, planned: list[Planned]) -> int:
        """Revoke the approvals planned to be revoked later as soon as ReleaseGate shows
        their release SCHEDULED (or after a minute without); how many were scheduled."""
        from releasegate.releases.models import Release, ReleaseState

        waiting = {p.instance_id: p for p in planned if p.end == "revoke" and p.revoke_later}
        scheduled, give_up = 0, time.monotonic() + 60
        while waiting and time.monotonic() < give_up:
            ready = Release.objects.filter(
                approval__instance_id__in=list(waiting), state=ReleaseState.SCHEDULED
            ).values_list("approval__instance_id", flat=True)
            for instance_id in list(ready):
                driver.revoke(waiting.pop(instance_id))
                scheduled += 1
            time.sleep(0.5)
        for approval in waiting.values():
            driver.revoke(approval)
        return scheduled

    def _wait_until_done(self, planned: list[Planned], deadline: float) -> list[str]:
        """Wait until every approved instance's release has ended, Jenkins is idle and the
        outbox is empty; what was still not done when the deadline came (empty: all was)."""
        while True:
            pending = self._not_done(planned)
            if not pending or time.monotonic() > deadline:
                return pending
            time.sleep(1.0)

    def _not_done(self, planned: list[Planned]) -> list[str]:
        from releasegate.releases.models import Approval, Notification, Release
        from releasegate.releases.models.notification import NotificationState
        from releasegate.releases.models.release import TERMINAL_STATES

        truth = instances(self.dingtalk)
        approved = {p.instance_id for p in planned if chaos_verdict.approved(truth[p.instance_id])}
        ended = Approval.objects.filter(
            instance_id__in=approved, release__state__in=TERMINAL_STATES
        ).count()
        checks = {
            "approvals without an ended release": len(approved) - ended,
            "builds running": sum(b["building"] for b in self.jenkins_control.builds()),
            "queue items": sum(i["state"] != "left" for i in self.jenkins_control.queue()),
            "releases not ended": Release.objects.exclude(state__in=TERMINAL_STATES).count(),
            "notifications pending": Notification.objects.filter(
                state=NotificationState.PENDING
            ).count(),
        }
        return [f"{count} {what}" for what, count in checks.items() if count]

    def _truth(self) -> chaos_verdict.Truth:
        queue = self.jenkins_control.queue()
        return chaos_verdict.Truth(
            instances=instances(self.dingtalk),
            builds=self.jenkins_control.builds(),
            queued=sum(1 for item in queue if item["state"] != "left"),
            messages=self.dingtalk.messages(),
        )


class _Idle:
    """The monkey before the workers exist."""

    kills = 0

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def _ways(planned: list[Planned]) -> dict[str, int]:
    return dict(Counter(p.way for p in planned))


def _ends(planned: list[Planned]) -> dict[str, int]:
    return dict(Counter(p.end for p in planned))


if __name__ == "__main__":
    sys.exit(main())
