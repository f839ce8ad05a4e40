"""WeCom's applications in the port's words: only 已通过 (2) approves; 通过后撤销 (6) is an
approval taken back; the form's selectors read back to the catalog's names, the date in
the configured time zone; WeCom cannot decide a task from outside."""

from __future__ import annotations

from typing import Any

import pytest

from releasegate.config import FormMapping, ReleaseOptions
from releasegate.integrations.wecom.approvals import WeComApprovals
from releasegate.integrations.wecom.client import WeComClient
from releasegate.releases.approvals.errors import ActionNotSupported
from releasegate.releases.approvals.instance import ApprovalStatus, TaskDecision
from releasegate.releases.approvals.ports import Decision


def source() -> WeComApprovals:
    client = WeComClient(corp_id="ww1", corp_secret="s", agent_id=1, api_base="http://127.0.0.1:9")
    return WeComApprovals(client, "TEMPLATE", FormMapping(), ReleaseOptions())


def selector(title: str, key: str, text: str) -> dict[str, Any]:
    option = {"key": key, "value": [{"text": text, "lang": "zh_CN"}]}
    return {
        "control": "Selector",
        "id": f"Selector-{title}",
        "title": [{"text": title, "lang": "zh_CN"}],
        "value": {"selector": {"type": "single", "options": [option]}},
    }


def detail(status: int, **changes: Any) -> dict[str, Any]:
    info: dict[str, Any] = {
        "sp_no": "202612060001",
        "sp_name": "生产发布",
        "sp_status": status,
        "template_id": "TEMPLATE",
        "apply_time": 1765000000,
        "applyer": {"userid": "zhangsan", "partyid": "1"},
        "sp_record": [
            {
                "sp_status": 1,
                "approverattr": 2,
                "details": [
                    {
                        "approver": {"userid": "lisi"},
                        "speech": "同意",
                        "sp_status": 2,
                        "sptime": 1765000600,
                    },
                    {"approver": {"userid": "wangwu"}, "speech": "", "sp_status": 1, "sptime": 0},
                ],
            },
        ],
        "apply_data": {
            "contents": [
                selector("项目名称", "project:mall", "商城 (mall)"),
                selector(
                    "应用名称", "application:mall/order-service", "订单服务 (mall/order-service)"
                ),
                selector("发布类型", "option-1", "全量"),
                {
                    "control": "Date",
                    "id": "Date-1",
                    "title": [{"text": "发布时间", "lang": "zh_CN"}],
                    "value": {"date": {"type": "hour", "s_timestamp": "1766541600"}},
                },
                {
                    "control": "Text",
                    "id": "Text-1",
                    "title": [{"text": "分支或标签", "lang": "zh_CN"}],
                    "value": {"text": "v3.8.0"},
                },
                {
                    "control": "Text",
                    "id": "Text-2",
                    "title": [{"text": "发布请求编号", "lang": "zh_CN"}],
                    "value": {"text": "abc"},
                },
            ]
        },
    }
    info.update(changes)
    return info


@pytest.mark.parametrize(
    ("status", "expected", "approved"),
    [
        (1, ApprovalStatus.PENDING, False),
        (2, ApprovalStatus.APPROVED, True),
        (3, ApprovalStatus.REFUSED, False),
        (4, ApprovalStatus.WITHDRAWN, False),
        (6, ApprovalStatus.APPROVED, False),
        (7, ApprovalStatus.DELETED, False),
        (10, ApprovalStatus.WITHDRAWN, False),
    ],
)
def test_only_approved_approves(status: int, expected: ApprovalStatus, approved: bool) -> None:
    instance = source().describe(detail(status))

    assert instance.status is expected
    assert instance.approved is approved
    assert instance.ended_without_approval is (status not in (1, 2))


def test_the_form_and_the_people_are_read() -> None:
    instance = source().describe(detail(1))

    assert instance.request is not None
    assert (instance.request.project, instance.request.application) == (
        "mall",
        "mall/order-service",
    )
    assert instance.request.release_type == "全量"
    assert instance.request.release_time_text == "2025-12-24 10:00"
    assert instance.request.parameters == {"BRANCH": "v3.8.0"}
    assert "发布请求编号" not in dict(instance.form)
    assert (instance.originator_user_id, instance.approvers, instance.approved_by) == (
        "zhangsan",
        ("lisi", "wangwu"),
        ("lisi",),
    )
    assert [(t.decision, t.remark) for t in instance.tasks] == [
        (TaskDecision.APPROVED, "同意"),
        (TaskDecision.PENDING, ""),
    ]
    assert instance.form_code == "TEMPLATE"


def test_an_empty_date_is_no_time() -> None:
    info = detail(1)
    info["apply_data"]["contents"][3]["value"]["date"]["s_timestamp"] = "0"

    request = source().describe(info).request
    assert request is not None and request.release_time_text == ""


def test_tasks_cannot_be_decided_from_outside() -> None:
    with pytest.raises(ActionNotSupported):
        source().act("202612060001", "", "lisi", Decision.APPROVE, "")
