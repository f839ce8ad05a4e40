"""The demo, run once as a user would, with every secret known: none of them appears in
anything it wrote (its output, its error output, the services' log, the SQLite database
and every other file in its data directory). A group robot is configured at an address
that refuses connections, so the failure paths that like to print URLs run too."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from releasegate.cli.demo import DEMO_DINGTALK, DEMO_TOKEN
from releasegate.tests.cli import releasegate, runs_the_demo

pytestmark = [pytest.mark.slow, runs_the_demo]

ROBOT_TOKEN = "robot-access-token-4f1c9e"
ROBOT_SECRET = "SECrobot-signing-secret-8d2a7b"
SECRETS = {
    "app secret": DEMO_DINGTALK["DINGTALK_APP_SECRET"],
    "AES key": DEMO_DINGTALK["DINGTALK_EVENT_AES_KEY"],
    "event token": DEMO_DINGTALK["DINGTALK_EVENT_TOKEN"],
    "Jenkins token": DEMO_TOKEN,
    "connector secret": DEMO_DINGTALK["DINGTALK_CONNECTOR_SECRET"],
    "robot token": ROBOT_TOKEN,
    "robot secret": ROBOT_SECRET,
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    data_dir = tmp_path_factory.mktemp("demo")
    result = releasegate(
        "demo",
        env={
            "DINGTALK_ROBOT_WEBHOOK": f"http://127.0.0.1:9/robot/send?access_token={ROBOT_TOKEN}",
            "DINGTALK_ROBOT_SECRET": ROBOT_SECRET,
            "LOG_LEVEL": "DEBUG",
        },
        data_dir=data_dir,
        timeout=180,
    )
    return result, data_dir


def written(result: subprocess.CompletedProcess[str], data_dir: Path) -> dict[str, bytes]:
    everything = {"stdout": result.stdout.encode(), "stderr": result.stderr.encode()}
    for path in sorted(data_dir.rglob("*")):
        if path.is_file() and path.name != "demo-secret-key":
            everything[str(path.relative_to(data_dir))] = path.read_bytes()
    return everything


def test_the_demo_completed_and_wrote_its_log_and_database(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, data_dir = demo

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    files = written(result, data_dir)
    assert "releasegate.sqlite3" in files and "demo-services.log" in files
    assert b"robot" in files["demo-services.log"].lower()  # the robot was tried


@pytest.mark.parametrize("name", SECRETS)
def test_no_secret_appears_in_anything_the_demo_wrote(
    demo: tuple[subprocess.CompletedProcess[str], Path], name: str
) -> None:
    result, data_dir = demo
    # As a whole word: the demo's event token "releasegatedemo" is also part of the
    # simulated company's id "dingreleasegatedemocorp", which is no leak.
    secret = re.compile(
        rb"(?<![A-Za-z0-9])" + re.escape(SECRETS[name].encode()) + rb"(?![A-Za-z0-9])"
    )

    found = [
        where for where, content in written(result, data_dir).items() if secret.search(content)
    ]

    assert found == []
