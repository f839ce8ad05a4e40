"""`releasegate demo`: the release story against the built-in simulators, on SQLite.

It starts the Jenkins and DingTalk simulators and `releasegate serve`, each in a process
of its own as they would be for real, then plays the story (demo_story.py) with a
timeline. With `--platform local` there is no DingTalk: requests are decided in
ReleaseGate's own approvals (demo_local_story.py). It exits 0 when the story completed
and 1, saying where, when it did not.

Once the story has completed it writes `$RELEASEGATE_DATA_DIR/demo-ready.json` (the
addresses, the logins, the release ids; demo_report.py), which the browser test reads.
With `--keep` every process keeps running until SIGINT or SIGTERM, then all are stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import time
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, TypeVar

from rich.console import Console

from releasegate.cli.base import setup_django
from releasegate.lib.process import ServiceProcess
from releasegate.simulators.dingtalk.settings import SimSettings
from releasegate.simulators.process import SimulatorProcess

if TYPE_CHECKING:
    from releasegate.cli.demo_local_story import LocalStory
    from releasegate.cli.demo_story import Story
    from releasegate.cli.demo_timeline import Timeline

ServiceT = TypeVar("ServiceT", bound=ServiceProcess)
PLATFORMS = ("dingtalk", "local")
DEMO_USER = "releasegate"
DEMO_TOKEN = "releasegate-demo-token"


def _releasegate_settings(app: SimSettings) -> dict[str, str]:
    """ReleaseGate's DingTalk settings for a simulated app."""
    return {
        "DINGTALK_APP_KEY": app.app_key,
        "DINGTALK_APP_SECRET": app.app_secret,
        "DINGTALK_AGENT_ID": str(app.agent_id),
        "DINGTALK_PROCESS_CODE": app.process_code,
        "DINGTALK_EVENT_TOKEN": app.event_token,
        "DINGTALK_EVENT_AES_KEY": app.aes_key,
        "DINGTALK_CONNECTOR_AUTH": app.connector_auth,
        "DINGTALK_CONNECTOR_SECRET": app.connector_secret,
    }


# ReleaseGate's settings for the DingTalk simulator's demo app.
DEMO_DINGTALK = _releasegate_settings(SimSettings.demo())


# The demo's configuration file: the order service's `input` step is answered with the
# approved values, the worker looks at Jenkins often (the demo is short), and the catalog
# is synced by the demo alone.
DEMO_OPTIONS = """\
# The demo syncs the catalog itself, as its first chapter, while the server starts: no
# periodic sync to race it. (`releasegate sync` refreshes it by hand.)
[catalog]
sync_interval_minutes = 0

[releases]
poll_seconds = 0.5

[[releases.inputs]]
job = "mall/order-service"
input_id = "Deploy-approval"
action = "proceed"
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="run the release story against the simulators")
    parser.add_argument("--keep", action="store_true", help="keep everything running after")
    parser.add_argument(
        "--platform",
        choices=PLATFORMS,
        default="dingtalk",
        help="where requests are approved: DingTalk (simulated), or ReleaseGate's own approvals",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from releasegate.cli.demo_report import READY_FILE

    # soft_wrap: a timeline line stays one line in a narrow terminal or a CI log.
    console = Console(highlight=False, soft_wrap=True)
    data_dir = Path(os.environ.get("RELEASEGATE_DATA_DIR") or ".demo").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # A ready file from an earlier run would tell a reader this run is ready.
    (data_dir / READY_FILE).unlink(missing_ok=True)
    # SIGTERM unwinds like Ctrl-C, so every process the demo started is stopped with it;
    # SIGINT too, even where it came ignored (a background job of a script).
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        with contextlib.ExitStack() as running:
            return _play(args, console, data_dir, running)
    except KeyboardInterrupt:
        console.print("demo stopped; every process it started has been stopped")
        return 0 if args.keep and (data_dir / READY_FILE).exists() else 130


def _interrupt(signum: int, frame: FrameType | None) -> None:
    # Once: a second signal must not cut short the stopping of the processes.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _play(
    args: argparse.Namespace, console: Console, data_dir: Path, running: contextlib.ExitStack
) -> int:
    from releasegate.cli.demo_report import LOCAL_LOGINS, LOGINS, show_summary, write_ready_file
    from releasegate.cli.demo_timeline import DemoFailed, Timeline

    timeline = Timeline(console)
    log = running.enter_context((data_dir / "demo-services.log").open("w"))
    local = args.platform == "local"
    try:
        jenkins, dingtalk = _start_simulators(timeline, running, log, dingtalk=not local)
        prepare_environment(data_dir, jenkins.url, dingtalk.url if dingtalk else None)
        setup_django()
        story = _story(console, timeline, data_dir, dingtalk)
        story.migrate()
        # The server starts (imports, checks) while the demo syncs the catalog.
        server = running.enter_context(
            ServiceProcess(["serve", "--port", "0"], env=os.environ, log=log, wait_ready=False)
        )
        story.populate()
        _started(server)
        called_by = "its dashboard and API" if local else "the process DingTalk calls"
        timeline.step(f"ReleaseGate serving at {server.url} ({called_by})")
        release_ids = story.play(server.url)
    except DemoFailed as failure:
        console.print(f"[red]demo failed at: {failure.where}[/red] ({failure.why})")
        console.print(f"Logs of the services: {data_dir / 'demo-services.log'}")
        return 1
    timeline.step(f"[green]demo complete[/green] in {timeline.elapsed():.1f} s")
    urls = {"releasegate_url": server.url, "jenkins_url": jenkins.url}
    if dingtalk is not None:
        urls["dingtalk_url"] = dingtalk.url
    logins = LOCAL_LOGINS if local else LOGINS
    show_summary(console, urls, release_ids, logins)
    write_ready_file(data_dir, urls, release_ids, logins)
    if args.keep:
        console.print("Everything keeps running; press Ctrl-C (or send SIGTERM) to stop.")
        services = (jenkins, server) if dingtalk is None else (jenkins, dingtalk, server)
        return _keep_running(services)
    return 0


def _story(
    console: Console, timeline: Timeline, data_dir: Path, dingtalk: SimulatorProcess | None
) -> Story | LocalStory:
    """DingTalk's story when its simulator runs, else the one of ReleaseGate's own
    approvals."""
    from releasegate.cli.demo_local_story import LocalStory
    from releasegate.cli.demo_story import Story

    if dingtalk is None:
        return LocalStory(console, timeline, data_dir)
    return Story(console, timeline, dingtalk.url, data_dir)


def _start_simulators(
    timeline: Timeline, running: contextlib.ExitStack, log: IO[str], *, dingtalk: bool = True
) -> tuple[SimulatorProcess, SimulatorProcess | None]:
    """Both simulators (or Jenkins' alone), started side by side (each spends its
    start-up importing, in a process of its own); registered to be stopped before either
    is waited for."""
    jenkins_options = ("--scenario", "demo", "--user", DEMO_USER, "--token", DEMO_TOKEN)
    jenkins = running.enter_context(
        SimulatorProcess("jenkins", jenkins_options, log=log, wait_ready=False)
    )
    if not dingtalk:
        timeline.step(f"Jenkins simulator at {_started(jenkins).url} (the demo scenario)")
        return jenkins, None
    chat = running.enter_context(
        SimulatorProcess("dingtalk", ("--push", "http"), log=log, wait_ready=False)
    )
    timeline.step(f"Jenkins simulator at {_started(jenkins).url} (the demo scenario)")
    timeline.step(f"DingTalk simulator at {_started(chat).url} (approvers 李四 → 王五)")
    return jenkins, chat


def _started(service: ServiceT) -> ServiceT:
    """`service` once it serves; `DemoFailed` naming it when it does not start."""
    from releasegate.cli.demo_timeline import DemoFailed

    try:
        service.wait_ready()
    except RuntimeError as exc:
        raise DemoFailed(f"starting releasegate {service.name}", str(exc)) from None
    return service


def _keep_running(services: tuple[ServiceProcess, ...]) -> int:
    """Wait for a signal to end the demo (KeyboardInterrupt). Returns 1 if a service
    ended by itself first: the demo then stops the others."""
    while True:
        for service in services:
            if service.process.poll() is not None:
                print(f"releasegate {service.name} exited by itself; stopping the demo")
                return 1
        time.sleep(0.5)


def prepare_environment(data_dir: Path, jenkins_url: str, dingtalk_url: str | None) -> None:
    """The demo's settings: its own SQLite file and secret key, the simulators as Jenkins
    and DingTalk; without DingTalk (None), ReleaseGate's own approvals and no DingTalk
    setting at all."""
    from releasegate.cli.demo_local_story import LOCAL_OPTIONS

    key_file = data_dir / "demo-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    config_file = data_dir / "demo.toml"
    local = dingtalk_url is None
    config_file.write_text(DEMO_OPTIONS + (LOCAL_OPTIONS if local else ""), encoding="utf-8")
    # With ReleaseGate's own approvals no DingTalk setting of the caller's may turn
    # DingTalk on beside them.
    chat = [name for name in os.environ if name.startswith("DINGTALK_")] if local else []
    for name in ("DATABASE_URL", "SECRET_KEY", *chat):
        os.environ.pop(name, None)
    os.environ.update(
        RELEASEGATE_CONFIG=str(config_file),
        RELEASEGATE_DEMO="1",
        RELEASEGATE_DATA_DIR=str(data_dir),
        JENKINS_URL=jenkins_url,
        JENKINS_USER=DEMO_USER,
        JENKINS_TOKEN=DEMO_TOKEN,
    )
    if dingtalk_url is not None:
        os.environ.update(
            DEMO_DINGTALK, DINGTALK_API_BASE=dingtalk_url, DINGTALK_OAPI_BASE=dingtalk_url
        )
