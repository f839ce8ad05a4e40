"""Reading and filling the simulator's approval form in tests."""

from __future__ import annotations

from typing import Any

from releasegate.simulators.dingtalk.control import DingTalkControl

# A complete form for the stub's 商城前端 (mall/web-frontend), by label.
READY = {
    "项目名称": "商城 (mall)",
    "应用名称": "商城前端 (mall/web-frontend)",
    "发布类型": "灰度",
    "分支或标签": "release/2026.11",
    "环境": "prod",
    "是否有数据库变更": "否",
}


def field(form: dict[str, Any], label: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in form["fields"] if f["label"] == label)
    return found


def option_values(form: dict[str, Any], label: str) -> list[str]:
    return [option["value"] for option in field(form, label)["options"]]


def filled_form(
    control: DingTalkControl, changes: dict[str, str] | None = None, user: str = "zhangsan"
) -> str:
    """Open a form as `user` and fill it in as READY with `changes`; its id."""
    form_id = str(control.open_form(user)["id"])
    control.fill(form_id, {**READY, **(changes or {})})
    return form_id
