"""Chaos: approvals from DingTalk, Feishu and WeCom through every way in, while Jenkins
misbehaves, the platforms limit, fail and expire their tokens, workers, streams and the
web server are killed and PostgreSQL restarts; then the ground truth from the simulators.

Real processes, as in production: PostgreSQL (a cluster of the run's own, see below), the
Jenkins, DingTalk, Feishu and WeCom simulators, `releasegate serve --no-worker`
(DingTalk's event push and connector, Feishu's event subscription and the form's external
options, WeCom's callbacks), `releasegate stream --platform dingtalk` (Stream mode) and
`--platform feishu` (the long connection), and two `releasegate worker`s; the monkey
SIGKILLs a worker, or now and then a stream or `serve`, at random moments and starts it
again (`serve` on the same port: what the platforms pushed meanwhile, their retries or the
reconcile must bring in). Every ReleaseGate process has every platform's settings.
Half-way through the drive PostgreSQL is stopped (`pg_ctl stop -m fast`: every session
ended, transactions in flight rolled back) and started again 2 s later
(chaos_services.PostgresRestart): every process must ride through. Only the run's own
cluster is restarted: given a `--database-url`, the run uses that server and leaves it
running (the JSON says `postgres.restarts: 0`). Jenkins answers about 20 % of API calls
with a 503, holds 10 % past the client's timeout and loses 5 % of the answers after doing
the work. DingTalk's access tokens are expired mid-run, its QPS limit is hit now and then,
and so are outages (chaos_dingtalk.DingTalkFaults: the gateway's 502 and 503, DingTalk's
system error, connections reset before the call or after its work); Feishu's tenant tokens
are expired, some of its API calls answer 503, a refused token or 429, and ReleaseGate's
event URL is unreachable for a moment, so Feishu retries its pushes
(`FEISHU_PUSH_TIME_FACTOR` brings its retry delays within the run); WeCom's tokens expire,
some calls answer -1, 40014 or 45009, and a fifth of its callbacks are dropped, for the
reconcile to find. Every fifth approval is WeCom's (chaos_wecom.py: approved by both,
refused, revoked before the end or after approval, deleted, left pending), of the others
every third Feishu's (chaos_feishu.py: over the event subscription or the long connection;
approved by both approvers, rejected, cancelled or left pending), the rest DingTalk's
(chaos_dingtalk.py: agreed, refused, terminated, revoked after approval, left waiting);
chaos_approvals.py plans and interleaves them; the verdict is chaos_verdict.py's, each
approval judged approved in its own platform's words and matched to its release by its
instance id. Two jobs are disabled in Jenkins for the drive, so their releases end in
ERROR; then they are enabled again and an operator retries those releases through the
API (chaos_retries.py).

Prints one JSON object (`ways_in` and `ends` by platform show each one's share); exits 1
when the run failed (a counter of chaos_verdict.MUST_BE_ZERO is not 0, a forged delivery
was accepted or stored, or the deadline passed before everything was done).

    python bench/chaos.py [--approvals 200] [--ci] [--seed 1] [--deadline 900]
                          [--database-url postgres://postgres@127.0.0.1:5432/rg_chaos]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chaos_verdict
from chaos_approvals import Driver, Planned, Platform, PlatformPlan, plan
from chaos_dingtalk import DingTalkFaults, DingTalkPlan, DingTalkPlayer
from chaos_feishu import FeishuFaults, FeishuPlan, FeishuPlayer
from chaos_monkey import Monkey
from chaos_retries import Retries
from chaos_services import PostgresRestart, Services, job_names, start_serve, start_stream
from chaos_wecom import WeComFaults, WeComPlan, WeComPlayer
from django.db import close_old_connections

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.integrations.dingtalk.crypto import EventCrypto

# How many of the last changes in what the run waited on, once the drive was over, the
# JSON shows.
SETTLING_SHOWN = 4
JENKINS_FAULTS = {
    "error_rate": 0.20,
    "timeout_rate": 0.10,
    "lost_response_rate": 0.05,
    # Past the client's timeout (chaos_services.CONFIG): the client gives up first.
    "timeout_seconds": 2.0,
}
PLANS: dict[Platform, PlatformPlan] = {
    "dingtalk": DingTalkPlan(),
    "feishu": FeishuPlan(),
    "wecom": WeComPlan(),
}


def main() -> int:
    args = _arguments()
    # Stopped from outside (a CI timeout), the run still stops its processes and deletes
    # its PostgreSQL cluster on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
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
        "--database-url",
        help="a PostgreSQL database to drop, create and use, on a server the run must not"
        " restart (default: a cluster of the run's own, restarted half-way)",
    )
    parser.add_argument("--kill-every", type=float, default=3.0, help="mean seconds between")
    args = parser.parse_args()
    if args.approvals is None:
        args.approvals = 30 if args.ci else 200
    if args.deadline is None:
        args.deadline = 150.0 if args.ci else 900.0
    return args


class Run:
    def __init__(
        self, args: argparse.Namespace, work: Path, log: Any, running: contextlib.ExitStack
    ) -> None:
        self.args, self.work, self.log, self.running = args, work, log, running
        self.rng = random.Random(args.seed)
        self.monkey: Monkey | _Idle = _Idle()
        self.postgres = PostgresRestart()
        self.settling: list[dict[str, Any]] = []

    def play(self) -> dict[str, Any]:
        self._start()
        planned = plan(self.args.approvals, job_names(self.args.jobs), self.rng, PLANS)
        self.jenkins_control.reset_requests()
        self.jenkins_control.set_faults(**JENKINS_FAULTS)
        self.feishu_faults.start()
        self.wecom_faults.start()
        self.monkey.start()
        dingtalk = DingTalkPlayer(self.dingtalk, self.server.url, self._crypto(), self.rng)
        feishu = self.feishu_player = FeishuPlayer(self.feishu, self.server.url, self.rng)
        wecom = WeComPlayer(self.wecom, self.server.url, self.rng)
        self.driver = Driver({"dingtalk": dingtalk, "feishu": feishu, "wecom": wecom}, self.rng)
        retries = Retries(self.jenkins_control, self.server.url, self.args.jobs)
        retries.break_jobs()
        drive_started = time.monotonic()
        self.driver.play(planned, self._tick)
        self.postgres.wait()
        # This process's own connection died with the restart: checked, and replaced.
        close_old_connections()
        self.feishu_faults.drive_ended()
        self.wecom_faults.drive_ended()
        revoked_late = self._revoke_when_scheduled({"dingtalk": dingtalk, "wecom": wecom}, planned)
        retries.fix_and_retry()
        driven_s = time.monotonic() - drive_started
        settling = time.monotonic()
        not_done = self._wait_until_done(planned, settling + self.args.deadline)
        settled_s = time.monotonic() - settling
        self.monkey.stop()
        result = self._result(planned, not_done)
        result["revocations"]["later_with_release_scheduled"] = revoked_late
        result["operator_retries"] = retries.summary()
        result["drive_s"] = round(driven_s, 1)
        # Measured against the deadline: from the operator's retries until all was done.
        result["settle_s"] = round(settled_s, 1)
        # The last changes say what the end waited on longest.
        result["settling_last"] = self.settling[-SETTLING_SHOWN:]
        dingtalk.close()
        feishu.close()
        wecom.close()
        return result

    def _result(self, planned: list[Planned], not_done: list[str]) -> dict[str, Any]:
        truth = self._truth()
        tally = self.driver.tally
        result: dict[str, Any] = {"approvals": len(planned), "seed": self.args.seed}
        result |= {"approvals_by_platform": dict(Counter(p.platform for p in planned))}
        result |= chaos_verdict.builds_verdict(planned, truth)
        result |= chaos_verdict.database_verdict(truth)
        return result | {
            "done_before_deadline": not not_done,
            "not_done_at_deadline": not_done,
            "kills": self.monkey.kills,
            "postgres": self.postgres.summary(),
            "faults_injected": self._faults_injected(planned),
            "ways_in": _by_platform(planned, lambda p: p.way),
            "ends": _by_platform(planned, lambda p: p.end),
            "revocations": {
                "at_once": sum(p.end == "revoke" and not p.revoke_later for p in planned),
                "later": sum(p.end == "revoke" and p.revoke_later for p in planned),
            },
            "deliveries_again": tally.deliveries_again,
            "deliveries_again_out_of_order": tally.out_of_order,
            "forged_sent": tally.forged_sent,
            "forged_answers": tally.forged_answers,
            "forged_accepted": tally.forged_accepted,
            "feishu_forms_opened_again": self.feishu_player.forms_opened_again,
        }

    # -- the processes ----------------------------------------------------------------

    def _start(self) -> None:
        services = Services(
            self.args.database_url, self.args.jobs, self.work, self.log, self.running
        )
        services.start()
        self.jenkins_control = services.jenkins_control
        self.dingtalk, self.feishu = services.dingtalk, services.feishu
        self.wecom = services.wecom
        self.dingtalk_faults = DingTalkFaults(self.dingtalk, self.rng)
        self.wecom_faults = WeComFaults(self.wecom, self.rng)
        self.server = services.server
        self.feishu_faults = FeishuFaults(self.feishu, services.feishu_events, self.rng)
        self.postgres = PostgresRestart(services.cluster)
        env, log = services.env, self.log
        port = urlsplit(self.server.url).port or 0
        starts = {"serve": partial(start_serve, env, log, port)}
        running = {"serve": self.server}
        for platform, stream in services.streams.items():
            starts[f"stream:{platform}"] = partial(start_stream, platform, env, log)
            running[f"stream:{platform}"] = stream
        self.monkey = Monkey(
            services.workers, starts, running, env, log, self.rng, self.args.kill_every
        )

    def _crypto(self) -> EventCrypto:
        return EventCrypto(
            DEMO_DINGTALK["DINGTALK_EVENT_TOKEN"],
            DEMO_DINGTALK["DINGTALK_EVENT_AES_KEY"],
            DEMO_DINGTALK["DINGTALK_APP_KEY"],
        )

    # -- the platforms' faults, between steps -------------------------------------------

    def _tick(self, step: int) -> None:
        """Each platform's faults between steps (chaos_dingtalk.DingTalkFaults,
        chaos_feishu.FeishuFaults, chaos_wecom.WeComFaults); half-way, PostgreSQL's
        restart (in the background: the drive goes on while it is down)."""
        total = self.args.approvals * 3
        self.dingtalk_faults.tick(step, total)
        self.feishu_faults.tick(step, total)
        self.wecom_faults.tick(step, total)
        if step == total // 2:
            self.postgres.start()

    def _faults_injected(self, planned: list[Planned]) -> dict[str, Any]:
        jenkins = self.jenkins_control.requests()
        return {
            "jenkins_requests": jenkins["total"],
            "jenkins": jenkins["by_fault"],
            **self.dingtalk_faults.summary(planned),
            **self.feishu_faults.summary(),
            **self.wecom_faults.summary(),
        }

    # -- the end --------------------------------------------------------------------

    def _revoke_when_scheduled(
        self, players: dict[Platform, DingTalkPlayer | WeComPlayer], planned: list[Planned]
    ) -> int:
        """Revoke the approvals planned to be revoked later as soon as ReleaseGate shows
        their release SCHEDULED (or after a minute without); how many were scheduled."""
        from releasegate.releases.models import Release, ReleaseState

        waiting = {p.instance_id: p for p in planned if p.end == "revoke" and p.revoke_later}
        scheduled, give_up = 0, time.monotonic() + 60
        while waiting and time.monotonic() < give_up:
            close_old_connections()
            ready = Release.objects.filter(
                approval__instance_id__in=list(waiting), state=ReleaseState.SCHEDULED
            ).values_list("approval__instance_id", flat=True)
            for instance_id in list(ready):
                approval = waiting.pop(instance_id)
                players[approval.platform].revoke(approval)
                scheduled += 1
            time.sleep(0.5)
        for approval in waiting.values():
            players[approval.platform].revoke(approval)
        return scheduled

    def _wait_until_done(self, planned: list[Planned], deadline: float) -> list[str]:
        """Wait until every approved instance's release has ended, Jenkins is idle and the
        outbox is empty; what was still not done when the deadline came (empty: all was).
        What was waited on, each time it changed, goes to `settling` (seconds in: what)."""
        started, last = time.monotonic(), None
        while True:
            close_old_connections()
            pending = self._not_done(planned)
            if pending != last:
                self.settling.append({"at_s": round(time.monotonic() - started), "on": pending})
                last = pending
            if not pending or time.monotonic() > deadline:
                return pending
            time.sleep(1.0)

    def _not_done(self, planned: list[Planned]) -> list[str]:
        from releasegate.releases.models import Approval, Notification, Release
        from releasegate.releases.models.notification import NotificationState
        from releasegate.releases.models.release import TERMINAL_STATES

        truth = self.driver.instances()
        approved = {p.instance_id: p for p in planned if chaos_verdict.approved(p, truth)}
        ended = set(
            Approval.objects.filter(
                instance_id__in=list(approved), release__state__in=TERMINAL_STATES
            ).values_list("instance_id", flat=True)
        )
        unended = Counter(f"{p.platform} {p.way}" for i, p in approved.items() if i not in ended)
        checks = {
            **{f"approvals without an ended release ({w})": n for w, n in unended.items()},
            "builds running": sum(b["building"] for b in self.jenkins_control.builds()),
            "queue items": sum(i["state"] != "left" for i in self.jenkins_control.queue()),
        }
        open_releases = Release.objects.exclude(state__in=TERMINAL_STATES)
        checks.update(
            Counter(
                f"releases not ended ({state})"
                for state in open_releases.values_list("state", flat=True)
            )
        )
        pending = Notification.objects.filter(state=NotificationState.PENDING)
        checks.update(
            Counter(
                f"notifications pending ({provider})"
                for provider in pending.values_list("provider", flat=True)
            )
        )
        return [f"{count} {what}" for what, count in checks.items() if count]

    def _truth(self) -> chaos_verdict.Truth:
        queue = self.jenkins_control.queue()
        return chaos_verdict.Truth(
            instances=self.driver.instances(),
            builds=self.jenkins_control.builds(),
            queued=sum(1 for item in queue if item["state"] != "left"),
            messages={
                "dingtalk": self.dingtalk.messages(),
                "feishu": self.feishu.messages(),
                "wecom": self.wecom.messages(),
            },
        )


class _Idle:
    """The monkey before the workers exist."""

    kills: dict[str, int] = {}

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def _by_platform(planned: list[Planned], what: Callable[[Planned], str]) -> dict[str, Any]:
    """How many approvals of each platform had each `what`."""
    counts: dict[Platform, Counter[str]] = {}
    for approval in planned:
        counts.setdefault(approval.platform, Counter())[what(approval)] += 1
    return {platform: dict(found) for platform, found in counts.items()}


if __name__ == "__main__":
    sys.exit(main())
