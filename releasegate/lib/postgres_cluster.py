"""A PostgreSQL cluster of one's own, in a temporary directory on a free loopback port:
for runs that must restart the database under ReleaseGate's processes (the chaos run, a
test of the worker), which must never happen to a server other people use.

It uses the server's own tools (`initdb`, `pg_ctl`) from Debian's packages. `initdb`
refuses to run as root, so as root every tool runs as the `postgres` user (`runuser`),
which then owns the directory. Trust authentication on loopback only: the cluster lives
as long as the run and holds nothing but what the run puts there.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self

# Debian's server packages install here (postgresql-NN); the newest found is used.
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
OWNER_WHEN_ROOT = "postgres"
# Seconds `pg_ctl` waits for the server to start or stop before it gives up.
WAIT_SECONDS = 60


class ClusterUnavailable(Exception):
    """No PostgreSQL server binaries here, or nobody but root to run them as."""


def binaries() -> Path:
    """The newest installed server's `bin` directory; raises ClusterUnavailable."""
    found = sorted(
        (p for p in DEBIAN_BINARIES.glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not found:
        raise ClusterUnavailable(f"no PostgreSQL server binaries under {DEBIAN_BINARIES}")
    return found[-1]


class PostgresCluster:
    """`start()` makes and starts the cluster, `restart()` restarts it as an operator
    would (`pg_ctl restart -m fast`: sessions are ended, transactions in flight rolled
    back), `stop()` stops it and deletes every file. `url` names its `postgres` database
    as the superuser."""

    def __init__(self, *, settings: dict[str, str] | None = None) -> None:
        """`settings`: server settings (`-c name=value`) beyond the run's own."""
        self.bin = binaries()
        self.as_root = os.geteuid() == 0
        self.port = _free_port()
        self.settings = settings or {}
        self.directory = Path(tempfile.mkdtemp(prefix="releasegate-postgres-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self.restarts = 0
        self._started = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> Self:
        try:
            if self.as_root:
                shutil.chown(self.directory, user=OWNER_WHEN_ROOT, group=OWNER_WHEN_ROOT)
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
            self._pg_ctl("start", "-l", str(self.log), "-o", self._options())
        except BaseException:
            self.stop()
            raise
        self._started = True
        return self

    def restart(self, down_seconds: float = 0.0) -> None:
        """Restart the server, waiting until it accepts connections again; with
        `down_seconds`, it stays stopped that long in between (an upgrade, a failover),
        so clients also meet a refused connection, not only an ended session."""
        if down_seconds <= 0:
            self._pg_ctl("restart", "-m", "fast", "-l", str(self.log), "-o", self._options())
        else:
            self._pg_ctl("stop", "-m", "fast")
            time.sleep(down_seconds)
            self._pg_ctl("start", "-l", str(self.log), "-o", self._options())
        self.restarts += 1

    def stop(self) -> None:
        """Stop the server (at once: nothing in it is kept) and delete its directory."""
        if self._started or (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "immediate", check=False)
            self._started = False
        shutil.rmtree(self.directory, ignore_errors=True)

    def _options(self) -> str:
        """The server's options: this port, loopback only, no Unix socket (its default
        directory may belong to the machine's own server)."""
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": "''",
            **self.settings,
        }
        return f"-p {self.port} " + " ".join(f"-c {k}={v}" for k, v in settings.items())

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", str(WAIT_SECONDS), *args, check=check)

    def _run(self, tool: str, *args: str, check: bool = True) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_root:
            if shutil.which("runuser") is None:
                raise ClusterUnavailable("running as root, and no runuser to run PostgreSQL as")
            command = ["runuser", "-u", OWNER_WHEN_ROOT, "--", *command]
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS + 30,
            check=False,
            # The server inherits this working directory; root's may be unreadable to it.
            cwd=self.directory,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _free_port() -> int:
    """A port free on loopback now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
