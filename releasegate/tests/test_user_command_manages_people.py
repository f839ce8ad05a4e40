"""`releasegate user add|change|list`: people with their platform ids, from the command
line (the dashboard starts requests as them on DingTalk, Feishu or WeCom)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from releasegate.tests.cli import environment, releasegate

SETTINGS = {"SECRET_KEY": "k" * 50}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    assert releasegate("migrate", env=SETTINGS, data_dir=tmp_path).returncode == 0
    return tmp_path


def profile(data_dir: Path, login: str) -> tuple[object, ...]:
    with sqlite3.connect(data_dir / "releasegate.sqlite3") as database:
        row = database.execute(
            "SELECT u.first_name, u.is_staff, u.is_active, p.dingtalk_user_id, "
            "p.feishu_user_id, p.wecom_user_id FROM auth_user u "
            "JOIN web_profile p ON p.user_id = u.id WHERE u.username = ?",
            (login,),
        ).fetchone()
    return tuple(row)


def test_add_change_and_list(data_dir: Path) -> None:
    added = releasegate(
        "user",
        "add",
        "zhangsan",
        "--name",
        "张三",
        "--dingtalk-id",
        "zhangsan",
        "--feishu-id",
        "ou_7d8a",
        env=SETTINGS,
        data_dir=data_dir,
    )
    changed = releasegate(
        "user",
        "change",
        "zhangsan",
        "--wecom-id",
        "ZhangSan",
        "--staff",
        env=SETTINGS,
        data_dir=data_dir,
    )
    listed = releasegate("user", "list", env=SETTINGS, data_dir=data_dir)

    assert added.returncode == 0, added.stdout + added.stderr
    assert "password (shown once): " in added.stdout
    assert changed.returncode == 0, changed.stderr
    assert profile(data_dir, "zhangsan") == ("张三", 1, 1, "zhangsan", "ou_7d8a", "ZhangSan")
    assert "zhangsan" in listed.stdout and "ou_7d8a" in listed.stdout


def test_the_password_can_come_from_stdin_and_must_be_good(data_dir: Path) -> None:
    command = [sys.executable, "-m", "releasegate", "user", "add", "lisi", "--password-stdin"]
    env = environment(SETTINGS, data_dir)
    empty = subprocess.run(command, input="\n", env=env, capture_output=True, text=True)
    weak = subprocess.run(command, input="lisi1234\n", env=env, capture_output=True, text=True)
    good = subprocess.run(
        command, input="a-long-and-good-passphrase\n", env=env, capture_output=True, text=True
    )

    assert empty.returncode == 2 and "password: it is empty" in empty.stderr
    assert weak.returncode == 2 and "password:" in weak.stderr
    assert good.returncode == 0, good.stderr
    assert "shown once" not in good.stdout


def test_mistakes_are_named(data_dir: Path) -> None:
    releasegate("user", "add", "wangwu", env=SETTINGS, data_dir=data_dir)

    again = releasegate("user", "add", "wangwu", env=SETTINGS, data_dir=data_dir)
    nobody = releasegate("user", "change", "nobody", "--staff", env=SETTINGS, data_dir=data_dir)
    bad = releasegate("user", "add", "王 五!", env=SETTINGS, data_dir=data_dir)

    assert (again.returncode, nobody.returncode, bad.returncode) == (1, 1, 2)
    assert "exists already" in again.stderr
    assert "there is no user 'nobody'" in nobody.stderr
    assert "is not a login" in bad.stderr
    assert "Traceback" not in again.stderr + nobody.stderr + bad.stderr
