"""lark-oapi's directory calls, unchanged, against the simulated Feishu: 获取子部门列表 and
获取部门直属用户列表 with page tokens, and 99991672 naming the scopes when one is missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lark_oapi.api.contact.v3 import ChildrenDepartmentRequest, FindByDepartmentUserRequest

from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import Person
from releasegate.simulators.feishu.tests import official_sdk


def _children(sdk: Any) -> Any:
    # The SDK types department_id as int; Feishu's ids are strings ("0", "od-…").
    request = (
        ChildrenDepartmentRequest.builder()
        .department_id("0")
        .department_id_type("open_department_id")
        .fetch_child(True)
        .page_size(50)
        .build()
    )
    return sdk.contact.v3.department.children(request)


def _people(sdk: Any, department: str, page_token: str = "") -> Any:
    builder = (
        FindByDepartmentUserRequest.builder()
        .department_id(department)
        .department_id_type("open_department_id")
        .user_id_type("open_id")
        .page_size(50)
    )
    if page_token:
        builder = builder.page_token(page_token)
    return sdk.contact.v3.user.find_by_department(builder.build())


def test_it_lists_departments_and_their_people(feishu: FeishuSimulator, sdk: Any) -> None:
    departments = _children(sdk)
    research = feishu.settings.departments[1].open_department_id
    people = _people(sdk, research)

    assert departments.code == 0, departments.msg
    assert [d.name for d in departments.data.items] == ["测试部", "研发部", "运维部"]
    assert [(p.name, p.email) for p in people.data.items] == [("李四", "lisi@example.com")]
    assert people.data.items[0].open_id == feishu.settings.person("lisi").open_id  # type: ignore[union-attr]


def test_it_pages_with_page_tokens(start_feishu: Callable[..., FeishuSimulator]) -> None:
    crowd = tuple(Person(f"dev{n:03}", f"ou_{n:032x}", f"开发{n}") for n in range(120))
    sdk = official_sdk.client(start_feishu(people=crowd))

    first = _people(sdk, "0")
    second = _people(sdk, "0", first.data.page_token)
    third = _people(sdk, "0", second.data.page_token)

    assert [len(page.data.items) for page in (first, second, third)] == [50, 50, 20]
    assert (first.data.has_more, third.data.has_more) == (True, False)


def test_a_missing_scope_is_named(start_feishu: Callable[..., FeishuSimulator]) -> None:
    sdk = official_sdk.client(start_feishu(contact_scopes=()))

    refused = _children(sdk)

    assert (refused.code, refused.raw.status_code) == (99991672, 400)
    assert "contact:department.base:readonly" in refused.msg
