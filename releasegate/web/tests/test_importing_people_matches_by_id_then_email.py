"""The rules of `releasegate user import` on the database side: a person known by their
platform id is left alone, one with the e-mail of a user not yet linked is linked, anyone
else is created with a login made from their e-mail or id, never clashing. (Reading the
directories over the wire: each platform's test_user_import_brings_in_… files.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from releasegate.releases.approvals.directory import DirectoryPerson
from releasegate.web.models import Profile
from releasegate.web.people_import import apply_import, plan_import

pytestmark = pytest.mark.django_db
users: Any = get_user_model()


def steps(people: list[DirectoryPerson]) -> list[tuple[str, str]]:
    plan = plan_import("dingtalk", people)
    apply_import("dingtalk", plan)
    return [(step.action, step.login) for step in plan.steps]


def test_logins_come_from_the_email_else_the_id_and_never_clash() -> None:
    users.objects.create_user("zhangsan")

    made = steps(
        [
            DirectoryPerson("u1", "张三", "zhangsan@example.com"),
            DirectoryPerson("u2", "张三", "ZhangSan@other.example"),
            DirectoryPerson("张 三!", "张三"),
        ]
    )

    assert made == [("create", "zhangsan-2"), ("create", "ZhangSan-3"), ("create", "张三")]
    created = users.objects.get(username="zhangsan-2")
    assert (created.first_name, created.email, created.has_usable_password()) == (
        "张三",
        "zhangsan@example.com",
        False,
    )
    assert created.profile.dingtalk_user_id == "u1"


def test_an_email_links_only_a_user_not_yet_linked_on_the_platform() -> None:
    taken = users.objects.create_user("lisi", email="lisi@example.com", password="x" * 20)
    Profile.objects.create(user=taken, dingtalk_user_id="someone-else")
    free = users.objects.create_user("wangwu", email="WangWu@example.com", password="x" * 20)

    made = steps(
        [
            DirectoryPerson("lisi", "李四", "lisi@example.com"),
            DirectoryPerson("wangwu", "王五", "wangwu@example.com"),
        ]
    )

    assert made == [("create", "lisi-2"), ("link", "wangwu")]
    free.refresh_from_db()
    assert (free.profile.dingtalk_user_id, free.has_usable_password()) == ("wangwu", True)


def test_people_known_by_their_id_are_left_alone() -> None:
    people = [DirectoryPerson("u1", "张三", "zhangsan@example.com")]
    steps(people)

    again = plan_import("dingtalk", people)

    assert (again.steps, again.known) == ((), 1)
    assert users.objects.count() == 1
