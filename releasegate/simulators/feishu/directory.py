"""The directory (通讯录) as Feishu's contact v3 API serves it: 获取子部门列表
(`GET contact/v3/departments/:department_id/children`, `fetch_child` for every depth) and
获取部门直属用户列表 (`GET contact/v3/users/find_by_department`), both paged with
`page_size` (at most 50) and `page_token`/`has_more`. Departments are named by
open_department_id ("0" is the root), people by open_id or user_id as `user_id_type` asks.

Without a scope an API needs, Feishu answers HTTP 400, code 99991672, naming the scopes
any one of which would do (issue m1heng/clawdbot-feishu#51 quotes such an answer).
"""

from __future__ import annotations

from typing import Any

from releasegate.simulators.feishu.settings import Person
from releasegate.simulators.feishu.state import World
from releasegate.simulators.feishu.wire import ApiFailure, Request, error, invalid

ROOT = "0"
MAX_PAGE = 50
NO_SCOPE = 99991672
# Any one of these lets the app read departments, or people.
DEPARTMENT_SCOPES = (
    "contact:department.base:readonly",
    "contact:contact:readonly_as_app",
    "contact:contact:readonly",
)
USER_SCOPES = (
    "contact:user.base:readonly",
    "contact:contact:readonly_as_app",
    "contact:contact:readonly",
)
# Feishu's parameter error for the contact API (UNCONFIRMED: 40001 in third-party code).
PARAM_ERROR = 40001
# 获取子部门列表 on a department that does not exist (UNCONFIRMED).
NO_DEPARTMENT = 40003


def children(world: World, request: Request, department_id: str) -> dict[str, Any]:
    _require(world, DEPARTMENT_SCOPES)
    _known_department(world, department_id)
    below = _below(world, department_id, request.first("fetch_child") == "true")
    items = [
        {
            "name": dept.name,
            "open_department_id": dept.open_department_id,
            "department_id": dept.open_department_id,
            "parent_department_id": dept.parent,
        }
        for dept in world.settings.departments
        if dept.open_department_id in below
    ]
    return _page(request, items)


def find_by_department(world: World, request: Request) -> dict[str, Any]:
    _require(world, USER_SCOPES)
    department_id = request.first("department_id") or ""
    _known_department(world, department_id)
    id_type = request.first("user_id_type") or "open_id"
    if id_type not in ("open_id", "user_id", "union_id"):
        raise invalid("user_id_type", PARAM_ERROR)
    people = [p for p in world.settings.people if p.department == department_id]
    return _page(request, [_user(person, id_type) for person in people])


def _user(person: Person, id_type: str) -> dict[str, Any]:
    user: dict[str, Any] = {
        "open_id": person.open_id,
        "union_id": f"on_{person.open_id[3:]}",
        "name": person.name,
        "department_ids": [person.department],
        "status": {"is_activated": True, "is_resigned": False},
    }
    if person.email:
        user["email"] = person.email
    if id_type == "user_id":
        user["user_id"] = person.user_id
    return user


def _page(request: Request, items: list[dict[str, Any]]) -> dict[str, Any]:
    size_text = request.first("page_size") or "10"
    if not size_text.isdigit() or not 1 <= int(size_text) <= MAX_PAGE:
        raise invalid("page_size", PARAM_ERROR)
    token = request.first("page_token") or "0"
    if not token.isdigit():
        raise invalid("page_token", PARAM_ERROR)
    start, size = int(token), int(size_text)
    more = start + size < len(items)
    page: dict[str, Any] = {"has_more": more, "items": items[start : start + size]}
    if more:
        page["page_token"] = str(start + size)
    return page


def _below(world: World, department_id: str, every_depth: bool) -> set[str]:
    found: set[str] = set()
    waiting = [department_id]
    while waiting:
        parent = waiting.pop()
        for dept in world.settings.departments:
            if dept.parent == parent and dept.open_department_id not in found:
                found.add(dept.open_department_id)
                if every_depth:
                    waiting.append(dept.open_department_id)
    return found


def _known_department(world: World, department_id: str) -> None:
    known = {dept.open_department_id for dept in world.settings.departments}
    if department_id != ROOT and department_id not in known:
        raise ApiFailure(error(400, NO_DEPARTMENT, "department not found"))


def _require(world: World, any_of: tuple[str, ...]) -> None:
    if not set(any_of) & set(world.settings.contact_scopes):
        scopes = ", ".join(any_of)
        raise ApiFailure(
            error(
                400,
                NO_SCOPE,
                f"Access denied. One of the following scopes is required: [{scopes}]."
                f"应用尚未开通所需的应用身份权限：[{scopes}]，点击链接申请并开通任一权限即可："
                f"https://open.feishu.cn/app/{world.settings.app_id}/auth?q={any_of[0]}",
            )
        )
