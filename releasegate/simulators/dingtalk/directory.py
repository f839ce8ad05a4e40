"""The directory (通讯录) as DingTalk's older API serves it: `topapi/v2/department/listsub`
(one level of sub-departments) and `topapi/v2/user/list` (the people directly in a
department, at most 100 a page, `cursor`/`next_cursor`/`has_more`). The people are the
app's `users`, each in their one department.

Without the permission a call needs, DingTalk answers errcode 60011 "没有调用该接口的权限"
(the text third-party reports quote); an unknown department is 60003 "部门不存在"
("获取部门用户userid列表" lists 60003 未找到部门).
"""

from __future__ import annotations

from typing import Any

from releasegate.simulators.dingtalk.settings import DEPARTMENT_PARENTS, DEPARTMENTS, OrgUser
from releasegate.simulators.dingtalk.state import World
from releasegate.simulators.dingtalk.wire import ApiFailure, Request, oapi_error, oapi_invalid

NO_PERMISSION = 60011
NO_PERMISSION_MSG = (
    "没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp/"
    "add-api-permission"
)
NO_DEPARTMENT = 60003
MAX_PAGE = 100


def sub_departments(world: World, request: Request) -> dict[str, Any]:
    _require(world, "qyapi_get_department_list")
    dept_id = _department(_body(request).get("dept_id", 1))
    children = [
        {"dept_id": child, "name": DEPARTMENTS[child], "parent_id": parent}
        for child, parent in DEPARTMENT_PARENTS.items()
        if parent == dept_id
    ]
    return {"errcode": 0, "errmsg": "ok", "result": children, "request_id": "sim"}


def members(world: World, request: Request) -> dict[str, Any]:
    _require(world, "qyapi_get_member")
    body = _body(request)
    dept_id = _department(body.get("dept_id"))
    cursor, size = body.get("cursor"), body.get("size")
    if not isinstance(cursor, int) or cursor < 0:
        raise oapi_invalid("cursor")
    if not isinstance(size, int) or not 1 <= size <= MAX_PAGE:
        raise oapi_invalid("size")
    people = [user for user in world.settings.users if user.dept_id == dept_id]
    page = people[cursor : cursor + size]
    more = cursor + size < len(people)
    result: dict[str, Any] = {"has_more": more, "list": [_member(user) for user in page]}
    if more:
        result["next_cursor"] = cursor + size
    return {"errcode": 0, "errmsg": "ok", "result": result, "request_id": "sim"}


def _member(user: OrgUser) -> dict[str, Any]:
    return {
        "userid": user.user_id,
        "unionid": f"union-{user.user_id}",
        "name": user.name,
        "title": user.title,
        "email": user.email,
        "dept_id_list": [user.dept_id],
        "active": True,
    }


def _require(world: World, permission: str) -> None:
    if permission not in world.settings.contact_permissions:
        raise ApiFailure(oapi_error(NO_PERMISSION, NO_PERMISSION_MSG))


def _department(value: Any) -> int:
    if not isinstance(value, int):
        raise oapi_invalid("dept_id")
    if value != 1 and value not in DEPARTMENT_PARENTS:
        raise ApiFailure(oapi_error(NO_DEPARTMENT, "部门不存在"))
    return value


def _body(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise oapi_invalid("the body is not a JSON object")
    return body
