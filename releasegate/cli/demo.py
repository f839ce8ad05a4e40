"""`releasegate demo`: the release story against the built-in simulators, on SQLite.

At this stage: start the Jenkins simulator in its own process, sync the catalog from it
and print it. Later stages extend the same command into the whole story.
"""

from __future__ import annotations

import argparse
import os
import secrets
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from releasegate.cli.base import setup_django
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


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help="run the release story against the simulators")
    parser.add_argument("--keep", action="store_true", help="keep the simulators running after")
    parser.set_defaults(run=run)


class Timeline:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.started = time.monotonic()

    def step(self, text: str) -> None:
        self.console.print(f"[dim]{time.monotonic() - self.started:6.1f}s[/dim]  {text}")


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False)
    timeline = Timeline(console)
    data_dir = Path(os.environ.get("RELEASEGATE_DATA_DIR") or ".demo").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = (data_dir / "jenkins-simulator.log").open("w")
    jenkins_options = ("--scenario", "demo", "--user", DEMO_USER, "--token", DEMO_TOKEN)
    with log, SimulatorProcess("jenkins", jenkins_options, log=log) as simulator:
        url = simulator.url
        timeline.step(f"Jenkins simulator running at {url} (scenario: demo)")
        prepare_environment(data_dir, url)
        setup_django()
        from django.core.management import call_command

        from releasegate.cli.catalog import print_catalog
        from releasegate.cli.sync import sync_and_report

        call_command("migrate", interactive=False, verbosity=0)
        timeline.step(f"SQLite database ready in {data_dir}")
        timeline.step("syncing the catalog from Jenkins")
        if not sync_and_report(console):
            console.print("[red]demo failed at: catalog sync[/red]")
            return 1
        print_catalog(console)
        timeline.step("[green]demo complete[/green]")
        if args.keep:
            console.print(
                f"Jenkins simulator keeps running at {url} (user {DEMO_USER}, token "
                f"{DEMO_TOKEN}); press Ctrl-C to stop."
            )
            simulator.wait()
        return 0


def prepare_environment(data_dir: Path, jenkins_url: str) -> None:
    """The demo's settings: its own SQLite file and secret key, the simulator's Jenkins."""
    key_file = data_dir / "demo-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SECRET_KEY", None)
    os.environ.update(
        DEMO_DINGTALK,
        RELEASEGATE_DEMO="1",
        RELEASEGATE_DATA_DIR=str(data_dir),
        JENKINS_URL=jenkins_url,
        JENKINS_USER=DEMO_USER,
        JENKINS_TOKEN=DEMO_TOKEN,
    )
