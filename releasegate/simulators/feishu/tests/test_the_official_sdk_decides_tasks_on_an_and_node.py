from __future__ import annotations

from typing import Any

from lark_oapi.api.approval.v4 import RejectTaskRequest, TaskApprove

from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.tests import official_sdk
from releasegate.simulators.feishu.tests.conftest import FORM


def _started(sdk: Any, feishu: FeishuSimulator) -> tuple[str, Any]:
    code = official_sdk.create_instance(sdk, feishu, FORM).data.instance_code
    return code, official_sdk.get_instance(sdk, code).data.task_list


def test_the_instance_is_approved_once_every_approver_approved(
    feishu: FeishuSimulator, sdk: Any
) -> None:
    code, (lisi, wangwu) = _started(sdk, feishu)

    assert official_sdk.approve(sdk, feishu, code, lisi, "ok").code == 0
    halfway = official_sdk.get_instance(sdk, code).data
    assert official_sdk.approve(sdk, feishu, code, wangwu).code == 0
    done = official_sdk.get_instance(sdk, code).data

    assert halfway.status == "PENDING"
    assert [t.status for t in halfway.task_list] == ["APPROVED", "PENDING"]
    assert done.status == "APPROVED"
    assert int(done.end_time) >= int(done.start_time)
    assert [(m.type, m.user_id, m.comment) for m in done.timeline[1:]] == [
        ("PASS", "lisi", "ok"),
        ("PASS", "wangwu", None),
    ]


def test_one_rejection_rejects_the_instance(feishu: FeishuSimulator, sdk: Any) -> None:
    code, (lisi, _) = _started(sdk, feishu)
    body = (
        TaskApprove.builder()
        .approval_code(feishu.settings.approval_code)
        .instance_code(code)
        .user_id("lisi")
        .task_id(lisi.id)
        .comment("not today")
        .build()
    )
    request = RejectTaskRequest.builder().user_id_type("user_id").request_body(body).build()

    assert sdk.approval.v4.task.reject(request).code == 0

    data = official_sdk.get_instance(sdk, code).data
    assert data.status == "REJECTED"
    assert [t.status for t in data.task_list] == ["REJECTED", "DONE"]
    assert data.timeline[-1].type == "REJECT"


def test_only_the_tasks_approver_may_decide_it_and_only_once(
    feishu: FeishuSimulator, sdk: Any
) -> None:
    code, (lisi, wangwu) = _started(sdk, feishu)
    wangwu_on_lisis_task = type(lisi)({"id": lisi.id, "open_id": wangwu.open_id})

    not_theirs = official_sdk.approve(sdk, feishu, code, wangwu_on_lisis_task)
    first = official_sdk.approve(sdk, feishu, code, lisi)
    again = official_sdk.approve(sdk, feishu, code, lisi)

    assert (not_theirs.code, first.code, again.code) == (1390001, 0, 1390001)
    assert "not the approver" in not_theirs.msg
    assert "not PENDING" in again.msg
