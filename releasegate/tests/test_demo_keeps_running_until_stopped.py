from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from releasegate.tests.cli import environment, runs_the_demo
from releasegate.tests.waiting import eventually

pytestmark = [pytest.mark.slow, runs_the_demo]


def children_of(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc: no extra dependency)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended while we looked
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=5)
    except httpx.TransportError:
        return False
    return True


@pytest.fixture
def kept_demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """`releasegate demo --keep`, once it has written its ready file (stale one first)."""
    (tmp_path / "demo-ready.json").write_text('{"releases": [99]}', encoding="utf-8")
    with (tmp_path / "demo.out").open("w") as output:
        demo = subprocess.Popen(
            [sys.executable, "-m", "releasegate", "demo", "--keep"],
            env=environment({}, tmp_path),
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        eventually(lambda: demo.poll() is not None or _ready(tmp_path), timeout=150)
        assert demo.poll() is None, (tmp_path / "demo.out").read_text()
        yield demo, _ready(tmp_path)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()


def _ready(data_dir: Path) -> dict[str, Any]:
    ready = data_dir / "demo-ready.json"
    content: dict[str, Any] = json.loads(ready.read_text()) if ready.exists() else {}
    return content if content.get("releases") != [99] else {}


def test_keep_leaves_everything_running_then_sigterm_stops_every_process(
    kept_demo: tuple[subprocess.Popen[str], dict[str, Any]],
) -> None:
    demo, ready = kept_demo
    urls = [ready["releasegate_url"], ready["jenkins_url"], ready["dingtalk_url"]]
    services = children_of(demo.pid)
    assert len(services) == 3
    assert all(answers(url) for url in urls)
    assert ready["releases"] == [1, 2, 3, 4, 5]

    demo.send_signal(signal.SIGTERM)

    assert demo.wait(timeout=60) == 0
    assert not [pid for pid in services if Path(f"/proc/{pid}").exists()]
    assert not any(answers(url) for url in urls)
