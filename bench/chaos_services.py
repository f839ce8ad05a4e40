"""The chaos run's processes (see chaos.py): the Jenkins, DingTalk, Feishu and WeCom
simulators, the run's own PostgreSQL cluster (or a database of the server it is given),
`releasegate serve`, a `stream` per platform (DingTalk's Stream mode, Feishu's long
connection) and two workers, each given every platform's settings; the Jenkins scenario
the approvals use."""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from chaos_approvals import PROJECT
from chaos_monkey import Monkey

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.cli.demo_feishu import DEMO_FEISHU
from releasegate.cli.demo_wecom import DEMO_WECOM
from releasegate.lib.postgres_cluster import PostgresCluster
from releasegate.lib.process import ServiceProcess
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.process import SimulatorProcess
from releasegate.simulators.wecom.control import WeComControl

USER, TOKEN = "chaos", "chaos-token"
CONFIG = """\
[catalog]
# Synced once before the drive, never during it: the jobs the operator's retries break are
# disabled in Jenkins meanwhile (chaos_retries.py), and a sync would take them out of the
# forms' options (a worker's first turn would run it: each run's database is new).
sync_interval_minutes = 0

[jenkins]
timeout_seconds = 1.0

[dingtalk]
timeout_seconds = 5.0
# Reconcile is what notices a revocation nobody pushed (the connector way): every minute.
reconcile_minutes = 1

[feishu]
timeout_seconds = 5.0
# And what finds an approval whose every push Feishu gave up on.
reconcile_minutes = 1

[wecom]
timeout_seconds = 5.0
# And what finds an application whose callbacks WeCom dropped.
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
STREAM_READY = {
    "dingtalk": re.compile(r"receiving DingTalk events"),
    "feishu": re.compile(r"receiving Feishu events"),
}
# Feishu's push retries (15 s, 5 min, 1 h, 6 h) shortened to fit in the run: 0.3 s, 6 s...
FEISHU_PUSH_TIME_FACTOR = "0.02"


# The run's own cluster: nothing in it outlives the run, so it need not wait for the disk
# (the machine's is shared). A fast restart writes everything out all the same; it is
# only a crash of the machine that fsync guards against.
CLUSTER_SETTINGS = {"fsync": "off"}
DATABASE_NAME = "rg_chaos"
# How long the run's own PostgreSQL stays down half-way through the drive.
POSTGRES_DOWN_S = 2.0


def start_serve(env: dict[str, str], log: Any, port: int = 0) -> ServiceProcess:
    """`releasegate serve` without a worker; on `port` (0: any free one), so that once
    killed it comes back where the platforms push."""
    return ServiceProcess(["serve", "--port", str(port), "--no-worker"], env=env, log=log)


def start_stream(platform: str, env: dict[str, str], log: Any) -> ServiceProcess:
    """`releasegate stream` for one platform: DingTalk's Stream mode, Feishu's long
    connection; reconnecting within 2 s after a failure."""
    stream = ["stream", "--platform", platform, "--backoff-max", "2"]
    return ServiceProcess(stream, env=env, log=log, ready=STREAM_READY[platform])


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


class Services:
    """The run's processes, started by `start`, stopped with `running`; the simulators'
    control clients, ReleaseGate's server and workers once started. Without a database
    URL the run starts a PostgreSQL cluster of its own (`cluster`), which it can restart."""

    cluster: PostgresCluster | None = None

    server: ServiceProcess
    workers: list[ServiceProcess]
    streams: dict[str, ServiceProcess]
    env: dict[str, str]
    jenkins_control: SimulatorControl
    dingtalk: DingTalkControl
    feishu: FeishuControl
    feishu_events: str
    wecom: WeComControl

    def __init__(
        self,
        database_url: str | None,
        jobs: int,
        work: Path,
        log: Any,
        running: contextlib.ExitStack,
    ) -> None:
        self.database_url, self.jobs = database_url, jobs
        self.work, self.log, self.running = work, log, running

    def start(self) -> None:
        """The simulators, then the database (migrated and synced from this process),
        then ReleaseGate's processes, each group started side by side."""
        scenario_file = self.work / "chaos-jenkins.toml"
        scenario_file.write_text(scenario(self.jobs), encoding="utf-8")
        options = ("--scenario", str(scenario_file), "--user", USER, "--token", TOKEN)
        feishu_options = ("--push-time-factor", FEISHU_PUSH_TIME_FACTOR)
        jenkins, dingtalk, feishu, wecom = self._started(
            lambda: SimulatorProcess("jenkins", options, log=self.log),
            lambda: SimulatorProcess("dingtalk", ("--push", "both"), log=self.log),
            lambda: SimulatorProcess("feishu", feishu_options, log=self.log),
            lambda: SimulatorProcess("wecom", (), log=self.log),
        )
        self.jenkins_control = SimulatorControl(jenkins.url)
        self.dingtalk = DingTalkControl(dingtalk.url)
        self.feishu = FeishuControl(feishu.url)
        self.wecom = WeComControl(wecom.url)
        if self.database_url is None:
            self.cluster = self.running.enter_context(PostgresCluster(settings=CLUSTER_SETTINGS))
            self.database_url = self.cluster.database_url(DATABASE_NAME)
        env = self._environment(jenkins.url, dingtalk.url, feishu.url, wecom.url)
        reset_database(self.database_url)
        self._prepare_database(env)
        self.server, *processes = self._started(
            lambda: start_serve(env, self.log),
            *[partial(start_stream, platform, env, self.log) for platform in STREAM_READY],
            *[lambda: Monkey.start_worker(env, self.log)] * 2,
        )
        self.streams = dict(zip(STREAM_READY, processes[: len(STREAM_READY)], strict=True))
        workers = processes[len(STREAM_READY) :]
        self.dingtalk.set_event_url(self.server.url + "dingtalk/events")
        self.dingtalk.configure_connector(url=self.server.url)
        feishu_events = self.server.url + "feishu/events"
        self.feishu.set_event_url(feishu_events)
        self.feishu.set_options_url(self.server.url + "feishu/options")
        self.feishu_events = feishu_events
        self.wecom.set_callback_url(self.server.url + "wecom/events")
        self.workers, self.env = workers, env

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

    def _environment(
        self, jenkins_url: str, dingtalk_url: str, feishu_url: str, wecom_url: str
    ) -> dict[str, str]:
        """Every ReleaseGate process gets every platform's settings: the registry enables
        each platform whose settings are present."""
        config = self.work / "chaos.toml"
        config.write_text(CONFIG, encoding="utf-8")
        inherited = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DINGTALK_", "FEISHU_", "WECOM_", "JENKINS_", "RELEASEGATE_"))
        }
        return {
            **inherited,
            **DEMO_DINGTALK,
            **DEMO_FEISHU,
            **DEMO_WECOM,
            "WECOM_API_BASE": wecom_url.rstrip("/"),
            "FEISHU_API_BASE": feishu_url.rstrip("/"),
            "DATABASE_URL": str(self.database_url),
            "SECRET_KEY": "chaos-only-secret-key-0123456789-0123456789",
            "RELEASEGATE_DATA_DIR": str(self.work),
            "RELEASEGATE_CONFIG": str(config),
            "JENKINS_URL": jenkins_url,
            "JENKINS_USER": USER,
            "JENKINS_TOKEN": TOKEN,
            "DINGTALK_API_BASE": dingtalk_url,
            "DINGTALK_OAPI_BASE": dingtalk_url,
            "LOG_LEVEL": "WARNING",
            # Both platforms' simulators and the script's forgeries all call from
            # 127.0.0.1, so they share the one bucket per address that in production
            # each platform's servers have to themselves; and the drive is faster than
            # people: a few hundred calls a second at its peak.
            "RELEASEGATE_RATE_LIMIT": "1000",
        }


class PostgresRestart:
    """The run's own PostgreSQL stopped and started again `POSTGRES_DOWN_S` later, in a
    thread; nothing when the run was given a database (another server: never restarted)."""

    def __init__(self, cluster: PostgresCluster | None = None) -> None:
        self.cluster = cluster
        self.failure: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.cluster is not None and self._thread is None:
            self._thread = threading.Thread(
                target=self._restart, args=(self.cluster,), name="postgres restart"
            )
            self._thread.start()

    def _restart(self, cluster: PostgresCluster) -> None:
        try:
            cluster.restart(down_seconds=POSTGRES_DOWN_S)
        except BaseException as exc:  # raised again by wait(), in the run's thread
            self.failure = exc

    def wait(self) -> None:
        """Until the server is back; raises what the restart raised."""
        if self._thread is not None:
            self._thread.join()
        if self.failure is not None:
            raise self.failure

    def summary(self) -> dict[str, Any]:
        if self.cluster is None:
            return {"own_cluster": False, "restarts": 0}
        return {"own_cluster": True, "restarts": self.cluster.restarts, "down_s": POSTGRES_DOWN_S}
