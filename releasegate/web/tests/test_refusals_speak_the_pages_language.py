"""The "new release" page refuses in the page's language: English on the English page,
Chinese on the Chinese one (the default), each refusal beside the field it is about
whatever its words."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.web.tests.test_new_release_page_starts_an_approval_in_dingtalk import (
    ORDER,
    dingtalk_for_requests,  # noqa: F401
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_catalog", "dingtalk_for_requests"),
]
REFUSED = {**ORDER, "param-TAG": "v9.9.9", "db_change": "yes", "db_change_done": "no"}


def problems(page: bytes) -> dict[str, list[str]]:
    found = re.findall(r'data-testid="problem-([\w-]+)">([^<]*)<', page.decode())
    placed: dict[str, list[str]] = {}
    for field, text in found:
        placed.setdefault(field, []).append(text)
    return placed


def test_the_english_page_refuses_in_english_beside_each_field(
    signed_in: Client, dingtalk_sim: DingTalkControl
) -> None:
    signed_in.cookies["django_language"] = "en"

    response = signed_in.post("/requests/new", {**REFUSED, "release_time": "2020-01-01T10:00"})

    assert response.status_code == 400
    placed = problems(response.content)
    assert placed["db_change"] == [
        "There is a database change and it is not done yet: finish the database change "
        "first, then ask for the release"
    ]
    [tag] = placed["param-TAG"]
    # The description is the job's own (Chinese in the demo); the sentence is English.
    assert tag.startswith("The value &#x27;v9.9.9&#x27; of parameter TAG (发布的标签) is not")
    assert "is not one of its choices (choices: " in tag
    assert placed["release_time"] == [
        "The release time 2020-01-01 10:00 has passed: choose another"
    ]
    assert dingtalk_sim.instances() == []


def test_the_chinese_page_refuses_in_chinese(
    signed_in: Client, dingtalk_sim: DingTalkControl
) -> None:
    signed_in.cookies["django_language"] = "zh-hans"

    response = signed_in.post("/requests/new", REFUSED)

    placed = problems(response.content)
    assert placed["db_change"] == ["有数据库变更且尚未完成：请先完成数据库变更，再提交发布申请"]
    [tag] = placed["param-TAG"]
    assert tag.startswith("参数 TAG") and "不在可选范围内" in tag


def test_a_missing_application_is_placed_by_its_field_in_either_language(
    signed_in: Client, dingtalk_sim: DingTalkControl
) -> None:
    unknown = {**ORDER, "application": "mall/no-such-service"}
    signed_in.cookies["django_language"] = "en"
    english = problems(signed_in.post("/requests/new", unknown).content)
    signed_in.cookies["django_language"] = "zh-hans"
    chinese = problems(signed_in.post("/requests/new", unknown).content)

    assert english["application"] == [
        "Application mall/no-such-service is not in project 商城, or is not open for releases"
    ]
    assert chinese["application"] == ["应用 mall/no-such-service 不在项目 商城 中，或未开放发布"]
