"""Feishu's instances in the port's words: APPROVED only approves; REJECTED, CANCELED,
DELETED and REVERTED end without approval; our option ids read back to the catalog's."""

from __future__ import annotations

import json

import pytest

from releasegate.config import FormMapping, ReleaseOptions
from releasegate.integrations.feishu.approvals import FeishuApprovals
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.integrations.feishu.raw import RawInstance
from releasegate.releases.approvals.instance import ApprovalStatus, TaskDecision


def source() -> FeishuApprovals:
    client = FeishuClient(app_id="cli_x", app_secret="secret", api_base="http://127.0.0.1:9")
    return FeishuApprovals(client, "APPROVAL", FormMapping(), ReleaseOptions())


def raw(status: str, **changes: object) -> RawInstance:
    form = [
        {
            "id": "w1",
            "name": "项目名称",
            "type": "radioV2",
            "value": "商城 (mall)",
            "option": {"key": "project:mall", "text": "商城 (mall)"},
        },
        {
            "id": "w2",
            "name": "应用名称",
            "type": "radioV2",
            "value": "application:mall/order-service",
        },
        {"id": "w3", "name": "发布时间", "type": "date", "value": "2026-12-24T10:00:00+08:00"},
        {"id": "w4", "name": "是否有数据库变更", "type": "radioV2", "value": "否"},
    ]
    fields: dict[str, object] = {
        "approval_code": "APPROVAL",
        "approval_name": "生产发布",
        "instance_code": "INST-1",
        "status": status,
        "start_time": "1765000000000",
        "end_time": "0",
        "open_id": "ou_zhangsan",
        "user_id": "zhangsan",
        "form": json.dumps(form, ensure_ascii=False),
        "task_list": [
            {"id": "t1", "open_id": "ou_lisi", "status": "APPROVED", "end_time": "1765000600000"},
            {"id": "t2", "open_id": "ou_wangwu", "status": "PENDING"},
        ],
        "timeline": [{"type": "PASS", "task_id": "t1", "open_id": "ou_lisi", "comment": "可以发"}],
    }
    fields.update(changes)
    return RawInstance.model_validate(fields)


@pytest.mark.parametrize(
    ("status", "expected", "approved"),
    [
        ("PENDING", ApprovalStatus.PENDING, False),
        ("APPROVED", ApprovalStatus.APPROVED, True),
        ("REJECTED", ApprovalStatus.REFUSED, False),
        ("CANCELED", ApprovalStatus.WITHDRAWN, False),
        ("DELETED", ApprovalStatus.DELETED, False),
        ("REVERTED", ApprovalStatus.APPROVED, False),
        ("SOMETHING_NEW", ApprovalStatus.WITHDRAWN, False),
    ],
)
def test_only_approved_approves(status: str, expected: ApprovalStatus, approved: bool) -> None:
    instance = source().describe("INST-1", raw(status))

    assert instance.status is expected
    assert instance.approved is approved
    assert instance.ended_without_approval is (status not in ("PENDING", "APPROVED"))


def test_an_approval_reverted_later_is_taken_back() -> None:
    instance = source().describe("INST-1", raw("APPROVED", reverted=True))

    assert instance.taken_back and not instance.approved


def test_the_form_and_the_people_are_read() -> None:
    instance = source().describe("INST-1", raw("PENDING"))

    assert instance.request is not None
    assert (instance.request.project, instance.request.application) == (
        "mall",
        "mall/order-service",
    )
    assert instance.request.release_time_text == "2026-12-24T10:00:00+08:00"
    assert instance.originator_user_id == "ou_zhangsan"
    assert instance.approvers == ("ou_lisi", "ou_wangwu")
    assert instance.approved_by == ("ou_lisi",)
    assert [(t.decision, t.remark) for t in instance.tasks] == [
        (TaskDecision.APPROVED, "可以发"),
        (TaskDecision.PENDING, ""),
    ]
    assert instance.form_code == "APPROVAL"
    assert instance.links and "instanceId%3DINST-1" in instance.links[0].url
