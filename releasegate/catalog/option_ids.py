"""Option ids of an approval form's external sources (Feishu's 关联外部选项, WeCom's picker).

Feishu stores the chosen option's `id` in the instance and needs every id "globally unique
and fixed" across all external sources of one form, or options get mixed up. A project
key and an application name can be the same text, so each id says what it is:
`project:mall`, `application:mall/order-service`, `choice:BRANCH:main`. Reading an
instance strips the prefix again, so the catalog finds what was chosen.
"""

from __future__ import annotations

_PROJECT = "project:"
_APPLICATION = "application:"
_CHOICE = "choice:"


def project_id(key: str) -> str:
    return _PROJECT + key


def application_id(full_name: str) -> str:
    return _APPLICATION + full_name


def choice_id(parameter: str, value: str) -> str:
    return f"{_CHOICE}{parameter}:{value}"


def chosen(option_id: str) -> str | None:
    """What an option id of ours names (the project key, the job, the value), or None
    when it is not one of ours."""
    for prefix in (_PROJECT, _APPLICATION):
        if option_id.startswith(prefix):
            return option_id[len(prefix) :]
    if option_id.startswith(_CHOICE):
        _, found, value = option_id[len(_CHOICE) :].partition(":")
        return value if found else None
    return None
