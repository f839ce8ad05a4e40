"""wechatpy's directory calls, unchanged, against the simulated WeCom: the department tree
from `department/list` and a department's people from `user/list`, and 60011 for a
department outside the app's visible range."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from wechatpy.exceptions import WeChatClientException

from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.tests import official_sdk


def test_it_lists_the_departments_and_their_people(sdk: Any) -> None:
    departments = sdk.department.get(1)
    people = sdk.department.get_users(2, simple=False)

    assert [(d["id"], d["name"], d["parentid"]) for d in departments] == [
        (1, "演示公司", 0),
        (2, "研发部", 1),
        (3, "运维部", 1),
    ]
    assert [(p["userid"], p["name"], p["department"]) for p in people] == [
        ("zhangsan", "张三", [2]),
        ("lisi", "李四", [2]),
    ]


def test_a_department_outside_the_visible_range_is_refused_with_60011(
    start_wecom: Callable[..., WeComSimulator],
) -> None:
    sdk = official_sdk.client(start_wecom(visible_departments=(3,)))

    assert [d["id"] for d in sdk.department.get()] == [3]
    assert [p["userid"] for p in sdk.department.get_users(3, simple=False)] == ["wangwu"]
    with pytest.raises(WeChatClientException) as raised:
        sdk.department.get_users(2, simple=False)

    assert raised.value.errcode == 60011
