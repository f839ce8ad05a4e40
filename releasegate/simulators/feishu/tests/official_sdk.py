"""Feishu's official server SDK (`lark-oapi`), unchanged, pointed at the simulator the
way the SDK offers: `Client.builder().domain(<simulator URL>)`. The SDK caches tenant
tokens in a process-wide cache keyed by app id, which would carry one test's token into
the next simulator; each client here gets a fresh cache (`.cache(LocalCache())`, which
the SDK installs process-wide too; tests run one at a time)."""

from __future__ import annotations

import json
from typing import Any

import lark_oapi as lark
from lark_oapi.api.approval.v4 import (
    ApproveTaskRequest,
    CreateInstanceRequest,
    GetInstanceRequest,
    InstanceCreate,
    TaskApprove,
)
from lark_oapi.core.cache import LocalCache

from releasegate.simulators.feishu.server import FeishuSimulator


def client(simulator: FeishuSimulator, app_secret: str | None = None) -> Any:
    settings = simulator.settings
    return (
        lark.Client.builder()
        .app_id(settings.app_id)
        .app_secret(settings.app_secret if app_secret is None else app_secret)
        .domain(simulator.url.rstrip("/"))
        .cache(LocalCache())
        .build()
    )


def create_instance(
    sdk: Any, simulator: FeishuSimulator, form: list[dict[str, str]], **body: str
) -> Any:
    """The SDK's CreateInstanceResponse for the release form `form` started by zhangsan
    (unless `user_id`/`open_id` say otherwise)."""
    builder = (
        InstanceCreate.builder()
        .approval_code(simulator.settings.approval_code)
        .form(json.dumps(form, ensure_ascii=False))
    )
    if "open_id" not in body:
        builder = builder.user_id(body.pop("user_id", "zhangsan"))
    for name, value in body.items():
        builder = getattr(builder, name)(value)
    request = CreateInstanceRequest.builder().request_body(builder.build()).build()
    return sdk.approval.v4.instance.create(request)


def get_instance(sdk: Any, instance_code: str) -> Any:
    request = GetInstanceRequest.builder().instance_id(instance_code).build()
    return sdk.approval.v4.instance.get(request)


def approve(
    sdk: Any, simulator: FeishuSimulator, instance_code: str, task: Any, comment: str = ""
) -> Any:
    """Approve `task` (from get-instance's task_list) as its approver, by open_id."""
    body = (
        TaskApprove.builder()
        .approval_code(simulator.settings.approval_code)
        .instance_code(instance_code)
        .user_id(task.open_id)
        .task_id(task.id)
        .comment(comment)
        .build()
    )
    request = ApproveTaskRequest.builder().user_id_type("open_id").request_body(body).build()
    return sdk.approval.v4.task.approve(request)
