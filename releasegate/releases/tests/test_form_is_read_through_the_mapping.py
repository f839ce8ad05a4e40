from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from releasegate.config import FormMapping, ReleaseOptions
from releasegate.releases.form import UnreadableTime, parse_release_time, read_form

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_default_mapping_reads_the_seed_form() -> None:
    request = read_form(
        {
            "项目名称": "商城",
            "应用名称": " 订单服务 ",
            "发布类型": "全量",
            "发布时间": "2026-11-27 10:00",
            "是否有数据库变更": "是",
            "数据库变更是否完成": "否",
            "分支或标签": "release/2026.11",
            "环境": "prod",
            "备注": "ignored",
        },
        FormMapping(),
    )

    assert request.project == "商城"
    assert request.application == "订单服务"
    assert request.release_type == "全量"
    assert request.release_time_text == "2026-11-27 10:00"
    assert (request.has_db_change, request.db_change_done) == (True, False)
    assert request.parameters == {"BRANCH": "release/2026.11", "ENV": "prod"}


def test_a_custom_mapping_and_yes_words_are_honoured() -> None:
    mapping = FormMapping(db_change="DB change?", parameters={"Git tag": "TAG"}, yes_values=["Y"])

    request = read_form({"DB change?": "y", "Git tag": "v1", "分支或标签": "x"}, mapping)

    assert request.has_db_change
    assert request.parameters == {"TAG": "v1"}
    assert request.project == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-27 10:00", datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)),
        ("2026-11-27 10:00:30", datetime(2026, 11, 27, 10, 0, 30, tzinfo=SHANGHAI)),
        ("2026-11-27", datetime(2026, 11, 27, tzinfo=SHANGHAI)),
        ("2026/11/27 10:00", datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)),
        ("2026-11-27T02:00:00+00:00", datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)),
        ("1795744800000", datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)),
    ],
)
def test_release_times_are_read_in_the_configured_zone(text: str, expected: datetime) -> None:
    assert parse_release_time(text, ReleaseOptions()) == expected


def test_an_empty_release_time_means_as_soon_as_possible() -> None:
    assert parse_release_time("  ", ReleaseOptions()) is None


def test_an_unreadable_release_time_says_how_to_write_it() -> None:
    with pytest.raises(UnreadableTime, match="YYYY-MM-DD HH:MM"):
        parse_release_time("明天下午", ReleaseOptions())


@pytest.mark.parametrize(
    "text", ["253402300800000", "9" * 20, "²²²²²²²²²²²²", "2026-13-45 99:99", "x" * 500]
)
def test_hostile_release_times_are_unreadable_not_crashes(text: str) -> None:
    with pytest.raises(UnreadableTime):
        parse_release_time(text, ReleaseOptions())
