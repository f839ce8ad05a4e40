"""`releasegate user import --platform wecom`: everyone in WeCom's directory gets a login
with their userid, once; WeCom is read over its real API (the simulator on a loopback
socket) by a separate `releasegate` process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from releasegate.cli.demo_wecom import DEMO_WECOM
from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.settings import DEMO_DEPARTMENTS, Department, Person
from releasegate.tests.cli import releasegate
from releasegate.tests.people_import import imported, migrated_data_dir, user_count

Start = Callable[..., WeComSimulator]


@pytest.fixture
def data_dir(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_data_dir(tmp_path, tmp_path_factory)


@pytest.fixture
def wecom(start_wecom: Start) -> WeComSimulator:
    return start_wecom()


def run_import(simulator: WeComSimulator, data_dir: Path, *options: str) -> tuple[int, str]:
    settings = {**DEMO_WECOM, "SECRET_KEY": "k" * 50, "WECOM_API_BASE": simulator.url}
    done = releasegate(
        "user", "import", "--platform", "wecom", *options, env=settings, data_dir=data_dir
    )
    return done.returncode, done.stdout + done.stderr


def test_it_creates_a_user_per_person_with_their_userid(
    wecom: WeComSimulator, data_dir: Path
) -> None:
    code, output = run_import(wecom, data_dir)

    assert code == 0, output
    assert imported(data_dir, "wecom") == {
        "admin": ("管理员", "admin", False),
        "lisi": ("李四", "lisi", False),
        "wangwu": ("王五", "wangwu", False),
        "zhangsan": ("张三", "zhangsan", False),
    }
    assert "created wangwu (王五, WeCom id wangwu)" in output


def test_a_second_run_creates_nothing_and_says_so(wecom: WeComSimulator, data_dir: Path) -> None:
    run_import(wecom, data_dir)

    code, output = run_import(wecom, data_dir)

    assert code == 0, output
    assert "Nothing to do: all 4 people in WeCom's directory have a user already" in output
    assert user_count(data_dir) == 4


def test_a_dry_run_writes_nothing(wecom: WeComSimulator, data_dir: Path) -> None:
    code, output = run_import(wecom, data_dir, "--dry-run", "--department", "2")

    assert code == 0, output
    assert "would create zhangsan" in output and "would create lisi" in output
    assert "wangwu" not in output
    assert user_count(data_dir) == 0


def test_a_login_taken_by_someone_else_gets_a_number(wecom: WeComSimulator, data_dir: Path) -> None:
    releasegate("user", "add", "lisi", env={"SECRET_KEY": "k" * 50}, data_dir=data_dir)

    code, output = run_import(wecom, data_dir, "--department", "2")

    assert code == 0, output
    assert "created lisi-2 (李四, WeCom id lisi)" in output
    assert imported(data_dir, "wecom")["lisi"] == ("", "", True)


def test_it_reads_every_department_of_a_large_directory(start_wecom: Start, data_dir: Path) -> None:
    teams = tuple(Department(10 + n, f"小组{n}", 2) for n in range(6))
    crowd = tuple(Person(f"dev{n:03}", f"开发{n}", str(10 + n % 6)) for n in range(150))
    simulator = start_wecom(departments=(*DEMO_DEPARTMENTS, *teams), people=crowd)

    code, output = run_import(simulator, data_dir)

    assert code == 0, output
    assert user_count(data_dir) == 150
    control = WeComControl(simulator.url)
    calls = control.requests("/cgi-bin/user/list")
    control.close()
    assert len(calls) == 3 + 6  # one answer per department: WeCom does not page it


def test_only_the_visible_range_is_imported_and_beyond_it_is_named(
    start_wecom: Start, data_dir: Path
) -> None:
    simulator = start_wecom(visible_departments=(3,))

    whole = run_import(simulator, data_dir)
    code, output = run_import(simulator, data_dir, "--department", "2")

    assert whole[0] == 0, whole[1]
    assert list(imported(data_dir, "wecom")) == ["wangwu"]
    assert code == 1
    assert "60011" in output and "visible range (可见范围" in output
    assert "Traceback" not in output
    assert user_count(data_dir) == 1
