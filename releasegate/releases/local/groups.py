"""Which approver group decides a request."""

from __future__ import annotations

from releasegate.config import LocalGroup, LocalOptions


def group_for(options: LocalOptions, project_key: str, application: str) -> LocalGroup | None:
    """The application's own group, else its project's; None when no group covers it."""
    for group in options.groups:
        if group.application and group.application == application:
            return group
    for group in options.groups:
        if not group.application and group.project and group.project == project_key:
            return group
    return None


def scope(group: LocalGroup) -> str:
    """What the group covers, as the configuration names it."""
    return group.application or group.project
