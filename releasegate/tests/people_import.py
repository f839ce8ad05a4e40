"""What the `releasegate user import` tests share: the users and platform ids the command
left in a data directory's SQLite database."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from releasegate.tests.cli import releasegate

DATABASE = "releasegate.sqlite3"


# The migrated database this test process made first, copied for each test after.
_MIGRATED: list[Path] = []


def migrated_data_dir(tmp_path: Path, factory: pytest.TempPathFactory) -> Path:
    """`tmp_path` holding its own copy of a migrated SQLite database (migrating takes
    seconds, so it is done once per test process)."""
    if not _MIGRATED:
        template = factory.mktemp("migrated")
        done = releasegate("migrate", env={"SECRET_KEY": "k" * 50}, data_dir=template)
        assert done.returncode == 0, done.stderr
        _MIGRATED.append(template / DATABASE)
    # With WAL, committed pages may still sit in the -wal file beside the database.
    for suffix in ("", "-wal"):
        source = _MIGRATED[0].with_name(DATABASE + suffix)
        if source.exists():
            shutil.copyfile(source, tmp_path / (DATABASE + suffix))
    return tmp_path


def imported(data_dir: Path, platform: str) -> dict[str, tuple[str, str, bool]]:
    """Each login with its name, `platform` id and whether it has a usable password."""
    with sqlite3.connect(data_dir / DATABASE) as database:
        rows = database.execute(
            f"SELECT u.username, u.first_name, p.{platform}_user_id, u.password "  # noqa: S608
            "FROM auth_user u JOIN web_profile p ON p.user_id = u.id ORDER BY u.username"
        ).fetchall()
    # Django marks an unusable password with a leading "!".
    return {
        login: (name, user_id, not password.startswith("!"))
        for login, name, user_id, password in rows
    }


def user_count(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / DATABASE) as database:
        return int(database.execute("SELECT COUNT(*) FROM auth_user").fetchone()[0])
