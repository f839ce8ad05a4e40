"""`releasegate user import --platform feishu`: everyone in Feishu's directory gets a login
with their open_id, once; Feishu is read over its real API (the simulator on a loopback
socket) by a separate `releasegate` process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from releasegate.cli.demo_feishu import DEMO_FEISHU
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import DEMO_PEOPLE, Person
from releasegate.tests.cli import releasegate
from releasegate.tests.people_import import imported, migrated_data_dir, user_count

Start = Callable[..., FeishuSimulator]
PEOPLE_PATH = "/open-apis/contact/v3/users/find_by_department"
OPEN_ID = {person.user_id: person.open_id for person in DEMO_PEOPLE}


@pytest.fixture
def data_dir(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_data_dir(tmp_path, tmp_path_factory)


@pytest.fixture
def feishu(start_feishu: Start) -> FeishuSimulator:
    return start_feishu()


def run_import(simulator: FeishuSimulator, data_dir: Path, *options: str) -> tuple[int, str]:
    settings = {**DEMO_FEISHU, "SECRET_KEY": "k" * 50, "FEISHU_API_BASE": simulator.url}
    done = releasegate(
        "user", "import", "--platform", "feishu", *options, env=settings, data_dir=data_dir
    )
    return done.returncode, done.stdout + done.stderr


def test_it_creates_a_user_per_person_with_their_open_id(
    feishu: FeishuSimulator, data_dir: Path
) -> None:
    code, output = run_import(feishu, data_dir)

    assert code == 0, output
    assert imported(data_dir, "feishu") == {
        "lisi": ("李四", OPEN_ID["lisi"], False),
        "zhangsan": ("张三", OPEN_ID["zhangsan"], False),
        # Without an e-mail address the login is the open_id.
        OPEN_ID["wangwu"]: ("王五", OPEN_ID["wangwu"], False),
        OPEN_ID["admin"]: ("管理员", OPEN_ID["admin"], False),
    }
    assert f"created zhangsan (张三, Feishu id {OPEN_ID['zhangsan']})" in output


def test_a_second_run_creates_nothing_and_says_so(feishu: FeishuSimulator, data_dir: Path) -> None:
    run_import(feishu, data_dir)

    code, output = run_import(feishu, data_dir)

    assert code == 0, output
    assert "Nothing to do: all 4 people in Feishu's directory have a user already" in output
    assert user_count(data_dir) == 4


def test_a_dry_run_writes_nothing(feishu: FeishuSimulator, data_dir: Path) -> None:
    code, output = run_import(feishu, data_dir, "--dry-run")

    assert code == 0, output
    assert "would create lisi" in output and "Dry run: nothing was written." in output
    assert user_count(data_dir) == 0


def test_one_department_brings_only_its_people(feishu: FeishuSimulator, data_dir: Path) -> None:
    research = feishu.settings.departments[1].open_department_id

    code, output = run_import(feishu, data_dir, "--department", research)

    assert code == 0, output
    assert list(imported(data_dir, "feishu")) == ["lisi"]


def test_it_follows_page_tokens(start_feishu: Start, data_dir: Path) -> None:
    crowd = tuple(
        Person(f"dev{n:03}", f"ou_{n:032x}", f"开发{n}", email=f"dev{n:03}@example.com")
        for n in range(120)
    )
    simulator = start_feishu(people=crowd)

    code, output = run_import(simulator, data_dir)

    assert code == 0, output
    assert user_count(data_dir) == 120
    control = FeishuControl(simulator.url)
    pages = control.requests(PEOPLE_PATH)
    control.close()
    # The root's 120 people in pages of 50; the three departments (empty) one page each.
    assert len(pages) == 3 + 3


def test_a_missing_scope_is_named(start_feishu: Start, data_dir: Path) -> None:
    simulator = start_feishu(contact_scopes=("contact:department.base:readonly",))

    code, output = run_import(simulator, data_dir)

    assert code == 1
    assert "code 99991672" in output
    assert "contact:user.base:readonly" in output
    assert "Traceback" not in output
    assert user_count(data_dir) == 0
