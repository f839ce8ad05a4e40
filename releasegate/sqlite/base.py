"""Django's SQLite backend, with this process's writers taking turns on a lock.

SQLite lets one writer at a time in. A writer that finds the database locked does not
queue: SQLite's busy handler puts it to sleep for 1, 2, 5, 10, 15, 20, 25 … ms and
tries again, however soon the lock was freed. In `releasegate serve` the request
threads (storing each event push), the inbox threads and the worker all write, so a
push that met another thread's transaction slept for tens of milliseconds: one push in
ten to one in thirty at 100-270 pushes a second (bench/load.py), enough to make the
pushes' p99. Here a thread of this process that is about to write (BEGIN, or a lone
INSERT, UPDATE or DELETE outside a transaction) first takes a process-wide lock and
holds it until its commit or rollback: a waiting writer wakes the moment the one before
it is done. SQLite's own locking still decides between processes (a `releasegate
worker` beside the web server), as before.

Only for a database file: an in-memory database (the tests') locks tables, not the
file, and is left as Django has it. A turn not had within `TURN_WAIT_SECONDS` is not
waited for longer: the write goes ahead and SQLite's own locking decides, as it would
have without turns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db.backends.sqlite3 import base

_turns = threading.Lock()
# What takes SQLite's write lock when it runs outside a transaction.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# As long as SQLite is told to wait for another process's writer (settings.py).
TURN_WAIT_SECONDS = 20.0


class TurnTakingCursor(base.SQLiteCursorWrapper):
    wrapper: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        return self._in_turn(query, lambda: super(TurnTakingCursor, self).execute(query, params))

    def executemany(self, query: str, param_list: Any) -> Any:
        run = super().executemany
        return self._in_turn(query, lambda: run(query, param_list))

    def _in_turn(self, query: str, run: Callable[[], Any]) -> Any:
        """Run `query` in this thread's turn when it writes: a BEGIN keeps the turn until
        the commit or rollback, a lone write only while it runs."""
        statement = query.lstrip()[:7].upper()
        begins = statement.startswith("BEGIN")
        if self.wrapper.turn_held or not (begins or statement.startswith(_WRITES)):
            return run()
        self.wrapper.take_turn()
        try:
            result = run()
        except BaseException:
            self.wrapper.end_turn()
            raise
        if not begins and not self.connection.in_transaction:
            self.wrapper.end_turn()
        return result


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.turn_held = False

    def create_cursor(self, name: str | None = None) -> Any:
        if self.is_in_memory_db():
            return super().create_cursor(name)
        cursor = self.connection.cursor(factory=TurnTakingCursor)
        cursor.wrapper = self
        return cursor

    def take_turn(self) -> None:
        """Wait for this process's other writers (at most `TURN_WAIT_SECONDS`)."""
        if not self.turn_held:
            self.turn_held = _turns.acquire(timeout=TURN_WAIT_SECONDS)

    def end_turn(self) -> None:
        if self.turn_held:
            self.turn_held = False
            _turns.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self.end_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self.end_turn()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self.end_turn()
