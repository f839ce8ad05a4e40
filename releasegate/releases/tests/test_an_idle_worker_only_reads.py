"""An idle worker looks for work with plain reads. It takes no write lock (on SQLite the
lock is the whole database's, and `releasegate serve`'s request threads share it with the
worker), and it does not ask about a chore whose turn it already knows is later."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from releasegate.releases.chores import Periodic
from releasegate.releases.engine.worker import Worker
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db


def test_an_idle_pass_only_reads_and_leaves_a_chore_alone_until_its_turn(
    harness: Harness,
) -> None:
    runs: list[datetime] = []

    def reconcile(now: datetime) -> str:
        runs.append(now)
        return "ok"

    worker = Worker(
        harness.context, chores=(Periodic("reconcile", timedelta(minutes=15), reconcile),)
    )
    assert worker.run_once()  # the chore's first turn

    with CaptureQueriesContext(connection) as queries:
        assert not worker.run_once()
    statements = [query["sql"] for query in queries.captured_queries]

    assert statements
    assert all(sql.startswith("SELECT") for sql in statements), statements
    assert not any("releases_chore" in sql for sql in statements)
    harness.clock.now += timedelta(minutes=16)
    assert worker.run_once()
    assert len(runs) == 2
