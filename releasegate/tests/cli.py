"""Running the `releasegate` command as an operator would: a separate process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# The demo makes its own SQLite database whatever DATABASE_URL says, so a test that runs
# it would only repeat itself on the PostgreSQL pass of the suite.
runs_the_demo = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the demo always runs on its own SQLite file: covered by the SQLite pass",
)

_ISOLATED = (
    "SECRET_KEY",
    "DATABASE_URL",
    "JENKINS_URL",
    "JENKINS_USER",
    "JENKINS_TOKEN",
    "JENKINS_PASSWORD",
    "RELEASEGATE_CONFIG",
    "RELEASEGATE_DEMO",
    "DJANGO_SETTINGS_MODULE",
)


def environment(env: dict[str, str], data_dir: Path) -> dict[str, str]:
    """This process's environment without ReleaseGate's settings, plus `env` and a data
    directory."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in _ISOLATED and not k.startswith(("DINGTALK_", "FEISHU_", "WECOM_", "JENKINS_"))
    }
    return {**base, "RELEASEGATE_DATA_DIR": str(data_dir), "COLUMNS": "200", **env}


def releasegate(
    *args: str, env: dict[str, str], data_dir: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `releasegate ARGS` with only the given settings (plus a data directory)."""
    return subprocess.run(
        [sys.executable, "-m", "releasegate", *args],
        env=environment(env, data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def serving(env: dict[str, str], data_dir: Path, *args: str) -> Iterator[str]:
    """`releasegate serve --port 0 ARGS` with only the given settings, on a migrated
    SQLite database in `data_dir`: its base URL (`http://127.0.0.1:PORT/`) until the block
    ends, then stopped with SIGTERM."""
    settings = {k: v for k, v in env.items() if k != "DATABASE_URL"}
    assert releasegate("migrate", env=settings, data_dir=data_dir).returncode == 0
    server = subprocess.Popen(
        [sys.executable, "-m", "releasegate", "serve", "--port", "0", *args],
        env=environment(settings, data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        said: list[str] = []
        # Up to the banner (anything logged before it is kept for the failure's message);
        # an empty line is the end of the output: the server has stopped.
        while not said or ("serving on " not in said[-1] and said[-1]):
            said.append(server.stdout.readline())
        assert "serving on " in said[-1], "".join(said)
        yield said[-1].split("serving on ")[1].split()[0]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
