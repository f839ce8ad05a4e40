"""The directory (通讯录) as WeCom serves it to a self-built app: 获取部门列表
(`GET department/list?id=`: the department and every one below it, at all depths; with
no id, every department of the visible range) and
获取部门成员详情 (`GET user/list?department_id=`: the people directly in it, userid and
name; no paging). The app sees only its visible range (可见范围): anything else is 60011
"no privilege to access/modify contact/party/agent" (全局错误码; that a department outside
the range is refused rather than answered empty is UNCONFIRMED).
"""

from __future__ import annotations

from typing import Any

from releasegate.simulators.wecom.settings import Department
from releasegate.simulators.wecom.state import World
from releasegate.simulators.wecom.wire import ApiFailure, Request, error

NO_PRIVILEGE = 60011
NO_DEPARTMENT = 60123  # 无效的部门id (全局错误码)


def department_list(world: World, request: Request) -> dict[str, Any]:
    given = request.first("id")
    if given is None:
        shown = _visible(world)
    else:
        start = _visible_department(world, given)
        shown = {start.id} | _below(world, start.id)
    return {
        "department": [
            {
                "id": dept.id,
                "name": dept.name,
                "parentid": dept.parentid,
                "order": 100_000_000 - dept.id,
                "department_leader": [],
            }
            for dept in world.settings.departments
            if dept.id in shown
        ]
    }


def user_list(world: World, request: Request) -> dict[str, Any]:
    department = _visible_department(world, request.first("department_id") or "")
    return {
        "userlist": [
            {
                "userid": person.userid,
                "name": person.name,
                "department": [int(person.partyid)],
                "main_department": int(person.partyid),
                "status": 1,
            }
            for person in world.settings.people
            if person.partyid == str(department.id)
        ]
    }


def _visible_department(world: World, given: str) -> Department:
    found = next((d for d in world.settings.departments if str(d.id) == given), None)
    if found is None:
        raise ApiFailure(error(NO_DEPARTMENT, "invalid party id"))
    if found.id not in _visible(world):
        raise ApiFailure(error(NO_PRIVILEGE, "no privilege to access/modify contact/party/agent"))
    return found


def _visible(world: World) -> set[int]:
    """The departments of the visible range and every one below them."""
    shown: set[int] = set()
    for allowed in world.settings.visible_departments:
        shown |= {allowed} | _below(world, allowed)
    return shown


def _below(world: World, department_id: int) -> set[int]:
    found: set[int] = set()
    waiting = [department_id]
    while waiting:
        parent = waiting.pop()
        for dept in world.settings.departments:
            if dept.parentid == parent and dept.id not in found and dept.id != parent:
                found.add(dept.id)
                waiting.append(dept.id)
    return found
