"""`releasegate user import --platform dingtalk`: everyone in DingTalk's directory gets a
login with their userid, once; DingTalk is read over its real API (the simulator on a
loopback socket) by a separate `releasegate` process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from releasegate.cli.demo import DEMO_DINGTALK
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.settings import OrgUser
from releasegate.tests.cli import releasegate
from releasegate.tests.people_import import imported, migrated_data_dir, user_count

Start = Callable[..., DingTalkSimulator]
LIST_PATH = "/topapi/v2/user/list"


@pytest.fixture
def data_dir(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_data_dir(tmp_path, tmp_path_factory)


def settings_for(simulator: DingTalkSimulator) -> dict[str, str]:
    url = simulator.url
    return {
        **DEMO_DINGTALK,
        "SECRET_KEY": "k" * 50,
        "DINGTALK_API_BASE": url,
        "DINGTALK_OAPI_BASE": url,
    }


def run_import(simulator: DingTalkSimulator, data_dir: Path, *options: str) -> tuple[int, str]:
    done = releasegate(
        "user",
        "import",
        "--platform",
        "dingtalk",
        *options,
        env=settings_for(simulator),
        data_dir=data_dir,
    )
    return done.returncode, done.stdout + done.stderr


def test_it_creates_a_user_per_person_with_their_userid(
    dingtalk: DingTalkSimulator, data_dir: Path
) -> None:
    code, output = run_import(dingtalk, data_dir)

    assert code == 0, output
    assert imported(data_dir, "dingtalk") == {
        "admin": ("管理员", "admin", False),
        "lisi": ("李四", "lisi", False),
        "wangwu": ("王五", "wangwu", False),
        "zhangsan": ("张三", "zhangsan", False),
    }
    assert "created zhangsan (张三, DingTalk id zhangsan)" in output
    assert "Done: created 4, linked 0; 0 of 4 people" in output


def test_a_second_run_creates_nothing_and_says_so(
    dingtalk: DingTalkSimulator, data_dir: Path
) -> None:
    run_import(dingtalk, data_dir)

    code, output = run_import(dingtalk, data_dir)

    assert code == 0, output
    assert "Nothing to do: all 4 people in DingTalk's directory have a user already" in output
    assert user_count(data_dir) == 4


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(
    dingtalk: DingTalkSimulator, data_dir: Path
) -> None:
    code, output = run_import(dingtalk, data_dir, "--dry-run")

    assert code == 0, output
    assert "would create lisi (李四, DingTalk id lisi)" in output
    assert "Dry run: nothing was written." in output
    assert user_count(data_dir) == 0


def test_a_person_with_a_known_email_is_linked_not_doubled(
    dingtalk: DingTalkSimulator, data_dir: Path
) -> None:
    settings = {"SECRET_KEY": "k" * 50}
    releasegate(
        "user", "add", "li.si", "--email", "LiSi@example.com", env=settings, data_dir=data_dir
    )

    code, output = run_import(dingtalk, data_dir, "--department", "3")

    assert code == 0, output
    assert "linked li.si (李四, DingTalk id lisi)" in output
    assert imported(data_dir, "dingtalk") == {"li.si": ("", "lisi", True)}


def test_it_follows_the_cursor_across_pages(start_dingtalk: Start, data_dir: Path) -> None:
    crowd = tuple(OrgUser(f"dev{n:03}", f"开发{n}", 3) for n in range(230))
    simulator = start_dingtalk(users=crowd)

    code, output = run_import(simulator, data_dir)

    assert code == 0, output
    assert user_count(data_dir) == 230
    control = DingTalkControl(simulator.url)
    pages = control.requests(LIST_PATH)
    control.close()
    # Departments 1, 2 and 4 (empty) in a page each; department 3 in pages of 100.
    assert len(pages) == 3 + 3


def test_a_missing_permission_is_named(start_dingtalk: Start, data_dir: Path) -> None:
    simulator = start_dingtalk(contact_permissions=("qyapi_get_department_list",))

    code, output = run_import(simulator, data_dir)

    assert code == 1
    assert "errcode 60011" in output
    assert "成员信息读权限 (qyapi_get_member)" in output
    assert "Traceback" not in output
    assert user_count(data_dir) == 0


def test_an_unconfigured_dingtalk_is_named(data_dir: Path) -> None:
    done = releasegate(
        "user", "import", "--platform", "dingtalk", env={"SECRET_KEY": "k" * 50}, data_dir=data_dir
    )

    assert done.returncode == 1
    assert "DINGTALK_APP_KEY: not set" in done.stderr
