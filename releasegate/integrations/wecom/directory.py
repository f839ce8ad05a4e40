"""WeCom's directory (通讯录) as `releasegate user import` reads it: every department
under the one asked for (by default every department the app may see) from
`department/list`, then the people of each from `user/list` ("获取部门成员详情"), which
gives userid and name.

Why not `user/list_id` + `user/get`: list_id pages through userids only, so every name
would cost one more call per person; `user/list` answers a department's people with
their names in one call. Since 2022-06-20 WeCom leaves e-mail out of these answers for
new self-built apps (developer.work.weixin.qq.com/document/path/96260), so people are
usually matched by userid alone. The app reads only its visible range (可见范围); a
department outside it is refused with 60011.
"""

from __future__ import annotations

from typing import Any

from releasegate.integrations.wecom import errors
from releasegate.integrations.wecom.client import WeComClient
from releasegate.releases.approvals.directory import DirectoryPerson, DirectoryRefused


def read_directory(client: WeComClient, department: str | None = None) -> list[DirectoryPerson]:
    """Everyone in `department` and below it, each once. Raises `DirectoryRefused`
    naming what to change when WeCom refuses, `ValueError` when `department` is not a
    WeCom department id (a number)."""
    start = _department_id(department)
    try:
        people: dict[str, DirectoryPerson] = {}
        for department_id in client.department_ids(start):
            for member in client.department_members(department_id):
                person = _person(member)
                people.setdefault(person.platform_id, person)
        return list(people.values())
    except errors.PermissionDenied as exc:
        raise DirectoryRefused(
            f"{exc.message}. Add the department to the app's visible range (可见范围: "
            "应用管理 → the app in WeCom's admin)"
        ) from None


def _person(member: dict[str, Any]) -> DirectoryPerson:
    email = member.get("biz_mail") or member.get("email") or ""
    name = member.get("name") or member["userid"]
    return DirectoryPerson(member["userid"], str(name), str(email).strip())


def _department_id(department: str | None) -> int | None:
    if department is None:
        return None
    if not department.strip().isdigit():
        raise ValueError(f"--department: {department!r} is not a WeCom department id (a number)")
    return int(department)
