"""bench/load.py's generator, against the constant server it measures its ceiling with:
real processes and sockets, as the benchmark runs them."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1]


@pytest.fixture
def constant_server() -> Iterator[tuple[int, int]]:
    """(port, pid) of bench/load_ceiling.py, serving."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen([sys.executable, str(BENCH / "load_ceiling.py"), str(port)])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield port, server.pid
    server.terminate()
    server.wait(timeout=10)


POSTS = [
    {"method": "POST", "path": "/a", "body": "{}"},
    {"method": "POST", "path": "/b", "headers": {"x-test": "1"}, "body": '{"名": 1}'},
]


def generate(
    tmp_path: Path,
    port: int,
    watch: int,
    refusal: str = "",
    requests: Any = POSTS,
    *options: str,
) -> dict[str, Any]:
    spec = {"requests": requests, "refusal": refusal}
    written = tmp_path / "requests.json"
    written.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    finished = subprocess.run(
        [
            sys.executable,
            str(BENCH / "load_client.py"),
            f"--requests={written}",
            f"--ports={port}",
            "--concurrency=2",
            "--warmup=0.3",
            "--duration=0.7",
            *options,
            "--watch",
            str(watch),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, Any] = json.loads(finished.stdout)
    return result


def test_it_reports_every_answer_of_the_window_with_its_latency_and_the_cpu_used(
    tmp_path: Path, constant_server: tuple[int, int]
) -> None:
    port, pid = constant_server

    result = generate(tmp_path, port, pid)

    assert result["requests"] > 100
    assert result["statuses"] == {"200": result["requests"]}
    assert len(result["latencies_ms"]) == result["requests"]
    assert result["latencies_ms"] == sorted(result["latencies_ms"])
    assert 0 < result["latencies_ms"][0] <= result["latencies_ms"][-1] < 1000
    assert result["seconds"] == 0.7
    assert (result["refused"], result["reconnects"]) == (0, 0)
    cpu = result["cpu_percent"]
    assert set(cpu) == {"generator", "watched", "machine"}
    assert list(cpu["watched"]) == [str(pid)]
    assert cpu["generator"] > 0


def test_answers_that_say_no_are_counted_as_refused(
    tmp_path: Path, constant_server: tuple[int, int]
) -> None:
    port, pid = constant_server

    result = generate(tmp_path, port, pid, refusal='"ok":true')

    assert result["requests"] > 0
    assert result["refused"] == result["requests"]


def test_a_get_goes_without_a_body_and_is_answered(
    tmp_path: Path, constant_server: tuple[int, int]
) -> None:
    port, pid = constant_server
    get = {"method": "GET", "path": "/page?key=k1", "headers": {"x-test": "1"}}

    result = generate(tmp_path, port, pid, requests=[get])

    assert result["requests"] > 0
    assert result["statuses"] == {"200": result["requests"]}


def test_an_open_loop_sends_at_the_rate_asked_whatever_the_server_could_take(
    tmp_path: Path, constant_server: tuple[int, int]
) -> None:
    port, pid = constant_server

    result = generate(tmp_path, port, pid, "", POSTS, "--rate=200")

    # 0.7 s at 200/s: 140 due; a busy machine may leave the last few unanswered.
    assert 100 <= result["requests"] <= 141
    assert result["statuses"] == {"200": result["requests"]}
