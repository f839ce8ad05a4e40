"""`releasegate demo`: the release story against the built-in simulators, on SQLite.

It starts the Jenkins and DingTalk simulators and `releasegate serve`, each in a process
of its own as they would be for real, then plays the story (demo_story.py) with a
timeline. It exits 0 when the story completed and 1, saying where, when it did not.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

from rich.console import Console

from releasegate.cli.base import setup_django
from releasegate.lib.process import ServiceProcess
from releasegate.simulators.process import SimulatorProcess

DEMO_USER = "releasegate"
DEMO_TOKEN = "releasegate-demo-token"
# The demo's DingTalk app, as the DingTalk simulator knows it.
DEMO_DINGTALK = {
    "DINGTALK_APP_KEY": "dingdemoappkey",
    "DINGTALK_APP_SECRET": "demo-app-secret",
    "DINGTALK_AGENT_ID": "41605932",
    "DINGTALK_PROCESS_CODE": "PROC-RELEASEGATE-DEMO",
    "DINGTALK_EVENT_TOKEN": "releasegatedemo",
    "DINGTALK_EVENT_AES_KEY": "ReleaseGateDemo0EncodingAESKey0123456789abc",
    "DINGTALK_CONNECTOR_AUTH": "apisecret",
    "DINGTALK_CONNECTOR_SECRET": "demo-connector-secret",
}


# The demo's configuration file: the order service's `input` step is answered with the
# approved values, and the worker looks at Jenkins often (the demo is short).
DEMO_OPTIONS = """\
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
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from releasegate.cli.demo_story import DemoFailed, Story, Timeline

    # soft_wrap: a timeline line stays one line in a narrow terminal or a CI log.
    console = Console(highlight=False, soft_wrap=True)
    timeline = Timeline(console)
    data_dir = Path(os.environ.get("RELEASEGATE_DATA_DIR") or ".demo").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as running:
        log = running.enter_context((data_dir / "demo-services.log").open("w"))
        jenkins = running.enter_context(
            SimulatorProcess(
                "jenkins",
                ("--scenario", "demo", "--user", DEMO_USER, "--token", DEMO_TOKEN),
                log=log,
            )
        )
        timeline.step(f"Jenkins simulator at {jenkins.url} (the demo scenario)")
        dingtalk = running.enter_context(SimulatorProcess("dingtalk", ("--push", "http"), log=log))
        timeline.step(f"DingTalk simulator at {dingtalk.url} (approvers 李四 → 王五)")
        prepare_environment(data_dir, jenkins.url, dingtalk.url)
        setup_django()
        story = Story(console, timeline, dingtalk.url, data_dir)
        try:
            story.prepare_database()
            server = running.enter_context(
                ServiceProcess(["serve", "--port", "0"], env=os.environ, log=log)
            )
            timeline.step(f"ReleaseGate serving at {server.url} (the process DingTalk calls)")
            story.play(server.url)
        except DemoFailed as failure:
            console.print(f"[red]demo failed at: {failure.where}[/red] ({failure.why})")
            console.print(f"Logs of the services: {data_dir / 'demo-services.log'}")
            return 1
        story.summary(server.url, jenkins.url)
        if args.keep:
            console.print("Everything keeps running; press Ctrl-C to stop.")
            with contextlib.suppress(KeyboardInterrupt):
                server.wait()
    return 0


def prepare_environment(data_dir: Path, jenkins_url: str, dingtalk_url: str) -> None:
    """The demo's settings: its own SQLite file and secret key, the simulators as Jenkins
    and DingTalk."""
    key_file = data_dir / "demo-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    config_file = data_dir / "demo.toml"
    config_file.write_text(DEMO_OPTIONS, encoding="utf-8")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SECRET_KEY", None)
    os.environ.update(
        DEMO_DINGTALK,
        RELEASEGATE_CONFIG=str(config_file),
        RELEASEGATE_DEMO="1",
        RELEASEGATE_DATA_DIR=str(data_dir),
        JENKINS_URL=jenkins_url,
        JENKINS_USER=DEMO_USER,
        JENKINS_TOKEN=DEMO_TOKEN,
        DINGTALK_API_BASE=dingtalk_url,
        DINGTALK_OAPI_BASE=dingtalk_url,
    )
