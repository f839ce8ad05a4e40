"""On a SQLite file, a thread that writes while another thread of the process is in a
write transaction waits for it to end and then writes: it does not fail, even with
SQLite's own waiting turned off, and it does not sleep in SQLite's busy handler."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.db.utils import OperationalError

from releasegate.sqlite.base import DatabaseWrapper


@pytest.fixture
def database(tmp_path: Path, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Settings of a new SQLite file with one table, through ReleaseGate's backend, with
    SQLite's busy timeout at zero: a writer meeting the lock fails at once. (Not the
    test database: this file is the test's own, opened by its own connections.)"""
    settings = {
        **connections["default"].settings_dict,
        "ENGINE": "releasegate.sqlite",
        "NAME": str(tmp_path / "turns.sqlite3"),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 0},
    }
    with django_db_blocker.unblock():
        setup = DatabaseWrapper(settings, alias="turns")
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
        setup.close()
        yield settings


def write_in_a_transaction(
    settings: dict[str, Any], inside: threading.Event, done: threading.Event
) -> None:
    wrapper = DatabaseWrapper(settings, alias="turns")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO note (text) VALUES (%s)", ["first"])
            inside.set()
            done.wait(5)
            wrapper.commit()
    finally:
        wrapper.close()


def test_a_lone_write_waits_for_the_transaction_of_another_thread(
    database: dict[str, Any],
) -> None:
    inside, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=write_in_a_transaction, args=(database, inside, done))
    holder.start()
    assert inside.wait(5)
    failures: list[BaseException] = []

    def write() -> None:
        wrapper = DatabaseWrapper(database, alias="turns")
        try:
            with wrapper.cursor() as cursor:
                cursor.execute("INSERT INTO note (text) VALUES (%s)", ["second"])
        except OperationalError as exc:  # collected and asserted below
            failures.append(exc)
        finally:
            wrapper.close()

    writer = threading.Thread(target=write)
    writer.start()
    writer.join(0.2)
    still_waiting = writer.is_alive()
    done.set()
    holder.join(5)
    writer.join(5)

    assert still_waiting
    assert failures == []
    reader = DatabaseWrapper(database, alias="turns")
    with reader.cursor() as cursor:
        cursor.execute("SELECT text FROM note ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    reader.close()
