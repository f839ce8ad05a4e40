"""Feishu's directory (通讯录) as `releasegate user import` reads it: every department
under the one asked for (the root, "0", by default), then the people directly in each,
named by open_id (what Feishu's approval and message calls use).

The app needs the scopes 获取部门基础信息 (`contact:department.base:readonly`) and 获取用户
基本信息 (`contact:user.base:readonly`), or 以应用身份读取通讯录
(`contact:contact:readonly_as_app`); 获取用户邮箱信息 (`contact:user.email:readonly`) adds
e-mail addresses. It sees only the departments of its contact range (通讯录权限范围).
Feishu's refusal (99991672) names the scopes it wants itself.
"""

from __future__ import annotations

from releasegate.integrations.feishu import errors
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.releases.approvals.directory import DirectoryPerson, DirectoryRefused

ROOT_DEPARTMENT = "0"
SCOPES = (
    "contact:department.base:readonly and contact:user.base:readonly "
    "(or contact:contact:readonly_as_app)"
)


def read_directory(client: FeishuClient, department: str | None = None) -> list[DirectoryPerson]:
    """Everyone in `department` (an open_department_id, od-…) and below it, each once.
    Raises `DirectoryRefused` naming the scopes when Feishu refuses."""
    start = (department or ROOT_DEPARTMENT).strip()
    try:
        departments = [start, *client.department_ids_under(start)]
        people: dict[str, DirectoryPerson] = {}
        for open_department_id in departments:
            for member in client.department_members(open_department_id):
                email = (member.email or member.enterprise_email).strip()
                people.setdefault(
                    member.open_id, DirectoryPerson(member.open_id, member.name, email)
                )
        return list(people.values())
    except errors.PermissionDenied as exc:
        raise DirectoryRefused(
            f"{exc.message}. The app needs the scopes {SCOPES} "
            "(developer console, 权限管理), and the department in its contact range"
        ) from None
