"""`releasegate worker` on PostgreSQL outlives a restart of the database under it: its
kept connection dies, every query fails while the server is down, and once it is back
the worker goes on working, in the same process. On a cluster of the test's own (the
machine's server is never restarted); skipped where no PostgreSQL server is installed."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from releasegate.cli.demo import DEMO_DINGTALK, DEMO_TOKEN, DEMO_USER
from releasegate.lib.postgres_cluster import ClusterUnavailable, PostgresCluster
from releasegate.simulators.jenkins.server import JenkinsSimulator
from releasegate.tests.cli import environment, releasegate

# Not configured here: its deliveries wait, which the worker records in the row.
ABSENT_PLATFORM = "feishu"
WAITING = f"{ABSENT_PLATFORM} is not configured"


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    try:
        own = PostgresCluster(settings={"fsync": "off"})
    except ClusterUnavailable as exc:
        pytest.skip(str(exc))
    with own:
        yield own


def test_it_goes_on_working_after_the_database_restarts(
    cluster: PostgresCluster, jenkins: JenkinsSimulator, tmp_path: Path
) -> None:
    settings = {
        "SECRET_KEY": "k" * 50,
        "DATABASE_URL": cluster.url,
        "JENKINS_URL": jenkins.url,
        "JENKINS_USER": DEMO_USER,
        "JENKINS_TOKEN": DEMO_TOKEN,
        **DEMO_DINGTALK,
        "DINGTALK_API_BASE": "http://127.0.0.1:9",
        "DINGTALK_OAPI_BASE": "http://127.0.0.1:9",
    }
    assert releasegate("migrate", env=settings, data_dir=tmp_path).returncode == 0
    worker = subprocess.Popen(
        [sys.executable, "-m", "releasegate", "worker"],
        env=environment(settings, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        assert "worker running" in worker.stdout.readline()
        assert _delivery_outcome(cluster, "before") == WAITING

        cluster.restart(down_seconds=3)

        assert worker.poll() is None, "the worker died with the database"
        assert _delivery_outcome(cluster, "after") == WAITING
        assert worker.poll() is None
    finally:
        worker.kill()
        worker.wait()


def _delivery_outcome(cluster: PostgresCluster, name: str) -> str:
    """Store a delivery of the absent platform and wait (20 s at most) for the worker's
    sweep to record its outcome."""
    with psycopg.connect(cluster.url, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO releases_inboundevent (provider, via, event_type, form_code,"
            " delivery_id, instance_id, payload, received_at, outcome, attempts, last_error)"
            " VALUES (%s, 'event', 'approval_instance', '', %s, %s, '{}', now(), '', 0, '')",
            (ABSENT_PLATFORM, name, name),
        )
        deadline = time.monotonic() + 20
        outcome = ""
        while not outcome and time.monotonic() < deadline:
            time.sleep(0.3)
            row = connection.execute(
                "SELECT outcome FROM releases_inboundevent WHERE delivery_id = %s", (name,)
            ).fetchone()
            outcome = row[0] if row else ""
    return str(outcome)
