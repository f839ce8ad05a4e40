"""On PostgreSQL the releases list's application filter has a trigram index, which needs
the pg_trgm extension. A database user that may not create extensions (a managed server
without the right) still migrates: the index is left out, and the migration says how to
add it. On a cluster of the test's own; skipped where no PostgreSQL server is installed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from releasegate.lib.postgres_cluster import ClusterUnavailable, PostgresCluster
from releasegate.tests.cli import releasegate

pytestmark = pytest.mark.slow
TRIGRAMS = "release_application_trigrams"


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    try:
        own = PostgresCluster(settings={"fsync": "off"})
    except ClusterUnavailable as exc:
        pytest.skip(str(exc))
    with own:
        yield own


def indexes(url: str) -> set[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        return {name for (name,) in rows}


def migrate(url: str, tmp_path: Path) -> str:
    done = releasegate(
        "migrate", env={"SECRET_KEY": "k" * 50, "DATABASE_URL": url}, data_dir=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_user_who_may_create_it_gets_the_index(cluster: PostgresCluster, tmp_path: Path) -> None:
    with psycopg.connect(cluster.url, autocommit=True) as connection:
        connection.execute("CREATE DATABASE owner_may")

    migrate(cluster.database_url("owner_may"), tmp_path)

    assert {TRIGRAMS, "notification_recipients"} <= indexes(cluster.database_url("owner_may"))


def test_a_user_who_may_not_still_migrates_without_it(
    cluster: PostgresCluster, tmp_path: Path
) -> None:
    with psycopg.connect(cluster.url, autocommit=True) as connection:
        connection.execute("CREATE ROLE app LOGIN")
        # Tables in the public schema, but no CREATE on the database: no extensions.
        connection.execute("CREATE DATABASE app_may_not")
    with psycopg.connect(cluster.database_url("app_may_not"), autocommit=True) as connection:
        connection.execute("GRANT CREATE, USAGE ON SCHEMA public TO app")
    url = f"postgres://app@127.0.0.1:{cluster.port}/app_may_not"

    said = migrate(url, tmp_path)

    assert "pg_trgm could not be created" in said
    assert f"CREATE INDEX IF NOT EXISTS {TRIGRAMS}" in said
    found = indexes(cluster.database_url("app_may_not"))
    assert TRIGRAMS not in found
    assert "notification_recipients" in found
