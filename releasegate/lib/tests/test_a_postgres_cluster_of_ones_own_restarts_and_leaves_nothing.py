"""A PostgreSQL cluster of one's own: it answers on its port, a restart ends the sessions
it had, and stopping it deletes every file (skipped where no server is installed)."""

from __future__ import annotations

import psycopg
import pytest

from releasegate.lib.postgres_cluster import ClusterUnavailable, PostgresCluster


def test_it_restarts_ending_its_sessions_and_leaves_nothing_behind() -> None:
    try:
        cluster = PostgresCluster(settings={"fsync": "off"})
    except ClusterUnavailable as exc:
        pytest.skip(str(exc))
    with cluster:
        kept = psycopg.connect(cluster.url, autocommit=True)
        assert kept.execute("SELECT 1").fetchone() == (1,)

        cluster.restart()

        with pytest.raises(psycopg.OperationalError):
            kept.execute("SELECT 1")
        with psycopg.connect(cluster.url, autocommit=True) as fresh:
            assert fresh.execute("SELECT 1").fetchone() == (1,)
        assert cluster.restarts == 1
    assert not cluster.directory.exists()
