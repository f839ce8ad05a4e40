"""DingTalk's directory (通讯录) as `releasegate user import` reads it: every department
under the one asked for (the root, 1, by default), then the people of each.

The app needs two permissions in the developer console (权限管理): 通讯录部门信息读权限
(`qyapi_get_department_list`) for the departments and 成员信息读权限 (`qyapi_get_member`)
for the people; which of the two `topapi/v2/user/list` checks is UNCONFIRMED, so a refusal
names both. It sees only the departments of its contact range (通讯录范围).
"""

from __future__ import annotations

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.releases.approvals.directory import DirectoryPerson, DirectoryRefused

ROOT_DEPARTMENT = 1
PERMISSIONS = (
    "通讯录部门信息读权限 (qyapi_get_department_list) and 成员信息读权限 (qyapi_get_member)"
)


def read_directory(client: DingTalkClient, department: str | None = None) -> list[DirectoryPerson]:
    """Everyone in `department` and below it, each once, in the order DingTalk lists them.
    Raises `DirectoryRefused` naming the permission when DingTalk refuses, `ValueError`
    when `department` is not a DingTalk department id (a number)."""
    start = _department_id(department)
    try:
        people: dict[str, DirectoryPerson] = {}
        for dept_id in _departments_under(client, start):
            for member in client.department_members(dept_id):
                email = member.org_email or member.email or ""
                people.setdefault(
                    member.userid, DirectoryPerson(member.userid, member.name, email.strip())
                )
        return list(people.values())
    except errors.PermissionDenied as exc:
        raise DirectoryRefused(
            f"{exc.message}. The app needs the permissions {PERMISSIONS} "
            "(developer console, 权限管理), and the department in its contact range"
        ) from None


def _departments_under(client: DingTalkClient, start: int) -> list[int]:
    """`start` and every department below it: listsub answers one level at a time."""
    found, waiting = [start], [start]
    while waiting:
        for child in client.sub_department_ids(waiting.pop(0)):
            if child not in found:
                found.append(child)
                waiting.append(child)
    return found


def _department_id(department: str | None) -> int:
    if department is None:
        return ROOT_DEPARTMENT
    if not department.strip().isdigit():
        raise ValueError(f"--department: {department!r} is not a DingTalk department id (a number)")
    return int(department)
