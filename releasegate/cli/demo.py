"""`releasegate demo`: the release story against the built-in simulators, on SQLite.

It starts the Jenkins and DingTalk simulators and `releasegate serve`, each in a process
of its own as they would be for real, then plays the story (demo_story.py) with a
timeline. With `--platform local` there is no DingTalk: requests are decided in
ReleaseGate's own approvals (demo_local_story.py); with `--platform feishu` they are
approved in the Feishu simulator instead (demo_feishu_story.py). It exits 0 when the story completed
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
import socket
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
    from releasegate.cli.demo_feishu_story import FeishuStory
    from releasegate.cli.demo_local_story import LocalStory
    from releasegate.cli.demo_story import Story
    from releasegate.cli.demo_timeline import Timeline
    from releasegate.cli.demo_wecom_story import WeComStory

ServiceT = TypeVar("ServiceT", bound=ServiceProcess)
PLATFORMS = ("dingtalk", "feishu", "wecom", "local")
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

# Approval cards reach the approvers within a second of their task opening.
[dingtalk]
card_seconds = 1

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
        help="where requests are approved: DingTalk, Feishu or WeCom (simulated), or "
        "ReleaseGate's own approvals",
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
    from releasegate.cli.demo_report import (
        FEISHU_LOGINS,
        LOCAL_LOGINS,
        LOGINS,
        WECOM_LOGINS,
        show_summary,
        write_ready_file,
    )
    from releasegate.cli.demo_timeline import DemoFailed, Timeline

    timeline = Timeline(console)
    log = running.enter_context((data_dir / "demo-services.log").open("w"))
    try:
        jenkins, chat = _start_simulators(timeline, running, log, args.platform)
        port = _free_port() if args.platform in ("dingtalk", "wecom") else 0
        prepare_environment(
            data_dir, jenkins.url, chat.url if chat else None, platform=args.platform, port=port
        )
        setup_django()
        story = _story(console, timeline, data_dir, chat, args.platform, jenkins.url)
        story.migrate()
        # The server starts (imports, checks) while the demo syncs the catalog.
        server = running.enter_context(
            ServiceProcess(
                ["serve", "--port", str(port)], env=os.environ, log=log, wait_ready=False
            )
        )
        story.populate()
        _started(server)
        called_by = {
            "local": "its dashboard and API",
            "dingtalk": "the process DingTalk calls",
            "feishu": "the process Feishu calls",
            "wecom": "the process WeCom calls and opens",
        }[args.platform]
        timeline.step(f"ReleaseGate serving at {server.url} ({called_by})")
        release_ids = story.play(server.url)
    except DemoFailed as failure:
        console.print(f"[red]demo failed at: {failure.where}[/red] ({failure.why})")
        console.print(f"Logs of the services: {data_dir / 'demo-services.log'}")
        return 1
    timeline.step(f"[green]demo complete[/green] in {timeline.elapsed():.1f} s")
    urls = {"releasegate_url": server.url, "jenkins_url": jenkins.url}
    if chat is not None:
        urls[f"{args.platform}_url"] = chat.url
    logins = {"local": LOCAL_LOGINS, "feishu": FEISHU_LOGINS, "wecom": WECOM_LOGINS}.get(
        args.platform, LOGINS
    )
    show_summary(console, urls, release_ids, logins)
    write_ready_file(data_dir, urls, release_ids, logins)
    if args.keep:
        console.print("Everything keeps running; press Ctrl-C (or send SIGTERM) to stop.")
        services = (jenkins, server) if chat is None else (jenkins, chat, server)
        return _keep_running(services)
    return 0


def _story(
    console: Console,
    timeline: Timeline,
    data_dir: Path,
    chat: SimulatorProcess | None,
    platform: str,
    jenkins_url: str,
) -> Story | LocalStory | FeishuStory | WeComStory:
    """The story of the platform whose simulator runs, or of ReleaseGate's own approvals."""
    from releasegate.cli.demo_feishu_story import FeishuStory
    from releasegate.cli.demo_local_story import LocalStory
    from releasegate.cli.demo_story import Story
    from releasegate.cli.demo_wecom_story import WeComStory

    if chat is None:
        return LocalStory(console, timeline, data_dir)
    if platform == "feishu":
        return FeishuStory(console, timeline, chat.url, data_dir)
    if platform == "wecom":
        return WeComStory(console, timeline, chat.url, data_dir)
    return Story(console, timeline, chat.url, data_dir, jenkins_url)


def _start_simulators(
    timeline: Timeline, running: contextlib.ExitStack, log: IO[str], platform: str = "dingtalk"
) -> tuple[SimulatorProcess, SimulatorProcess | None]:
    """Jenkins' simulator and the chat platform's (none for ReleaseGate's own approvals),
    started side by side (each spends its start-up importing, in a process of its own);
    registered to be stopped before either is waited for."""
    jenkins_options = ("--scenario", "demo", "--user", DEMO_USER, "--token", DEMO_TOKEN)
    jenkins = running.enter_context(
        SimulatorProcess("jenkins", jenkins_options, log=log, wait_ready=False)
    )
    if platform == "local":
        timeline.step(f"Jenkins simulator at {_started(jenkins).url} (the demo scenario)")
        return jenkins, None
    options = ("--push", "http") if platform == "dingtalk" else ()
    chat = running.enter_context(
        SimulatorProcess(platform, options, log=log, wait_ready=False)  # type: ignore[arg-type]
    )
    name = {"dingtalk": "DingTalk", "feishu": "Feishu", "wecom": "WeCom"}[platform]
    timeline.step(f"Jenkins simulator at {_started(jenkins).url} (the demo scenario)")
    timeline.step(f"{name} simulator at {_started(chat).url} (approvers 李四 and 王五)")
    return jenkins, chat


def _free_port() -> int:
    """A loopback port nobody listens on now, for the server: its address must be known
    before it starts (DingTalk's cards call back to it). Another process could take it
    in between; the demo then fails to start its server, and saying so is enough."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


def prepare_environment(
    data_dir: Path,
    jenkins_url: str,
    chat_url: str | None,
    *,
    platform: str = "dingtalk",
    port: int = 0,
) -> None:
    """The demo's settings: its own SQLite file and secret key, the simulators as Jenkins
    and the chat platform; without one (None), ReleaseGate's own approvals. Settings of
    the caller's for another platform are dropped, so only the demo's platform is on.
    DingTalk's approval cards call back to ReleaseGate and WeCom's open its pages, so they
    are on when the server's `port` is known ahead."""
    from releasegate.cli.demo_feishu import DEMO_FEISHU
    from releasegate.cli.demo_local_story import LOCAL_OPTIONS
    from releasegate.cli.demo_wecom import DEMO_WECOM
    from releasegate.simulators.feishu.settings import SimSettings as FeishuApp
    from releasegate.simulators.wecom.settings import SimSettings as WeComApp

    key_file = data_dir / "demo-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    config_file = data_dir / "demo.toml"
    local = chat_url is None
    config_file.write_text(DEMO_OPTIONS + (LOCAL_OPTIONS if local else ""), encoding="utf-8")
    kept = None if local else f"{platform.upper()}_"
    others = [
        name
        for name in os.environ
        if name.startswith(("DINGTALK_", "FEISHU_", "WECOM_"))
        and not (kept and name.startswith(kept))
    ]
    for name in ("DATABASE_URL", "SECRET_KEY", *others):
        os.environ.pop(name, None)
    os.environ.update(
        RELEASEGATE_CONFIG=str(config_file),
        RELEASEGATE_DEMO="1",
        RELEASEGATE_DATA_DIR=str(data_dir),
        JENKINS_URL=jenkins_url,
        JENKINS_USER=DEMO_USER,
        JENKINS_TOKEN=DEMO_TOKEN,
    )
    if chat_url is None:
        return
    if platform == "wecom":
        corp = WeComApp.demo()
        os.environ.update(
            DEMO_WECOM,
            WECOM_API_BASE=chat_url,
            WECOM_JSSDK_URL=f"{chat_url}jssdk/jwxwork.js",
            WECOM_ROBOT_WEBHOOK=f"{chat_url}cgi-bin/webhook/send?key={corp.robot_key}",
        )
        if port:
            os.environ.update(
                RELEASEGATE_PUBLIC_URL=f"http://127.0.0.1:{port}/", WECOM_APPROVAL_CARDS="1"
            )
    elif platform == "feishu":
        app = FeishuApp.demo()
        os.environ.update(
            DEMO_FEISHU,
            FEISHU_API_BASE=chat_url,
            FEISHU_ROBOT_WEBHOOK=f"{chat_url}open-apis/bot/v2/hook/{app.bot_token}",
            FEISHU_ROBOT_SECRET=app.bot_secret,
            FEISHU_DECISION_CARDS="1",
        )
    else:
        os.environ.update(DEMO_DINGTALK, DINGTALK_API_BASE=chat_url, DINGTALK_OAPI_BASE=chat_url)
        if port:
            os.environ.update(
                RELEASEGATE_PUBLIC_URL=f"http://127.0.0.1:{port}/",
                DINGTALK_CARD_TEMPLATE_ID=SimSettings.demo().card_templates[0],
                DINGTALK_CARD_CALLBACK_SECRET=secrets.token_urlsafe(24),
            )
