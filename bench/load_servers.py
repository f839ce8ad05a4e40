"""The two layouts bench/load.py puts under load, each started from scratch.

- `serve`: one `releasegate serve` (waitress with its request threads, and the worker in
  a thread beside it) on SQLite, the embedded default.
- `production`: on PostgreSQL, several web processes (waitress with threads, serving
  `releasegate.wsgi:application`, as docs/production.md describes for any WSGI server)
  and one `releasegate worker`.

Both run with DJANGO_SETTINGS_MODULE=bench.load_settings (the product's settings plus the
bare view). Neither syncs the catalog for the benchmark: the worker's own start-up chore
does, as in production, and `wait_for_catalog` waits until every web process answers
with the whole catalog.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

import httpx

from releasegate.lib.process import ServiceProcess

REPO = Path(__file__).resolve().parents[1]
START_WITHIN_SECONDS = 60.0


@dataclass
class Layout:
    name: str
    ports: list[int]
    # What each watched process is ("web:8000", "worker"): pid -> name.
    processes: dict[int, str] = field(default_factory=dict)
    description: str = ""


def _run_command(args: list[str], env: Mapping[str, str], log: IO[str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "releasegate", *args],
        env=dict(env),
        cwd=REPO,
        stdout=log,
        stderr=log,
        check=True,
        timeout=300,
    )


@contextlib.contextmanager
def serve_layout(env: Mapping[str, str], threads: int, log: IO[str]) -> Iterator[Layout]:
    _run_command(["migrate"], env, log)
    server = ServiceProcess(
        ["serve", "--port", "0", "--threads", str(threads)],
        env=env,
        log=log,
        ready_within=START_WITHIN_SECONDS,
    )
    with server:
        port = int(urlsplit(server.url).port or 0)
        yield Layout(
            "serve",
            [port],
            {server.process.pid: f"serve:{port}"},
            f"one `releasegate serve --threads {threads}` (web and worker thread), SQLite",
        )


@contextlib.contextmanager
def production_layout(
    env: Mapping[str, str], database_url: str, web_processes: int, threads: int, log: IO[str]
) -> Iterator[Layout]:
    recreate_database(database_url)
    env = {**env, "DATABASE_URL": database_url}
    _run_command(["migrate"], env, log)
    with contextlib.ExitStack() as stack:
        worker = _start([sys.executable, "-m", "releasegate", "worker"], env, log)
        stack.callback(_stop, worker)
        layout = Layout(
            "production",
            [],
            {worker.pid: "worker"},
            f"{web_processes} web processes (waitress, {threads} threads each, "
            "releasegate.wsgi) and one `releasegate worker`, PostgreSQL",
        )
        for _ in range(web_processes):
            port = free_port()
            web = _start(_waitress(port, threads), env, log)
            stack.callback(_stop, web)
            layout.ports.append(port)
            layout.processes[web.pid] = f"web:{port}"
        for port in layout.ports:
            wait_for_port(port)
        yield layout


def _waitress(port: int, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "waitress",
        "--host=127.0.0.1",
        f"--port={port}",
        f"--threads={threads}",
        "--max-request-body-size=65536",
        "releasegate.wsgi:application",
    ]


def recreate_database(database_url: str) -> None:
    """Drop and create the benchmark's own PostgreSQL database, so each run starts empty.
    Refuses a database whose name does not say it is a benchmark's."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum() or not ("load" in name or "bench" in name):
        raise SystemExit(
            f"--postgres: {name!r} must be a benchmark database (name with load/bench)"
        )
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _start(command: list[str], env: Mapping[str, str], log: IO[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=dict(env), cwd=REPO, stdout=log, stderr=log)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + START_WITHIN_SECONDS
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise SystemExit(f"the web process on port {port} did not start")


def wait_for_catalog(
    layout: Layout, signed: Callable[[], dict[str, str]], projects: int, within: float = 180.0
) -> None:
    """Until every web process lists all `projects` (the worker's first sync is done and
    each process has reloaded its snapshot)."""
    deadline = time.monotonic() + within
    for port in layout.ports:
        url = f"http://127.0.0.1:{port}/dingtalk/connector/projects"
        while True:
            answer = httpx.post(url, json={}, headers=signed(), timeout=10)
            if answer.status_code == 200 and len(answer.json()["ids"]) >= projects:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"port {port}: the catalog did not load ({answer.text[:200]})")
            time.sleep(0.5)
