"""Get-instance answers in the shapes of the reference (section 2.3: the documented example,
the NEW and CANCELED status variants, a revocation without result, a revoke after
approval), replayed to check the parsing alone; and malformed ones, which are refused
with an error that names what is wrong."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.models import (
    ApprovalInstance,
    ApprovalTask,
    Attachment,
    BizAction,
    FormValue,
    InstanceResult,
    InstanceStatus,
    OperationRecord,
)
from releasegate.lib.http import Timeouts

FIXTURES = Path(__file__).parent / "fixtures"
INSTANCE = "a171de6c-8b0f-4b2b-9c1e-0d1e2f3a4b5c"


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 26, hour, minute, tzinfo=UTC)


@pytest.fixture
def replay() -> Iterator[Any]:
    """`replay("fixture_name")`: the instance as a client reads it from an API that
    answers get-instance with that recorded payload."""
    opened: list[DingTalkClient] = []

    def read(name: str) -> ApprovalInstance:
        payload = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))

        def answer(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/v1.0/oauth2/accessToken":
                return httpx.Response(200, json={"accessToken": "recorded-token", "expireIn": 7200})
            assert request.url.params["processInstanceId"] == INSTANCE
            return httpx.Response(200, json=payload)

        client = DingTalkClient(
            app_key="dingrecorded",
            app_secret="recorded-secret",
            api_base="https://api.dingtalk.example",
            timeouts=Timeouts.uniform(1),
            transport=httpx.MockTransport(answer),
        )
        opened.append(client)
        return client.get_instance(INSTANCE)

    yield read
    for client in opened:
        client.close()


def test_it_reads_every_field_of_a_completed_approval(replay: Any) -> None:
    instance = replay("instance_completed_agree")

    assert instance == ApprovalInstance(
        instance_id=INSTANCE,
        title="张三提交的发布审批",
        status=InstanceStatus.COMPLETED,
        result=InstanceResult.AGREE,
        originator_user_id="zhangsan",
        originator_dept_id="-1",
        originator_dept_name="测试",
        create_time=at(2, 10),
        finish_time=at(3, 45),
        business_id="202611261010000123",
        biz_action=BizAction.NONE,
        biz_data='{"mykey":"myData"}',
        form=(
            FormValue("项目名称", "mall", "DDSelectField-J2BXXXX", "DDSelectField"),
            FormValue("分支或标签", "release/2.3", "TextField-K2AD4O5B", "TextField"),
            FormValue("备注", "", "TextareaField-1"),
        ),
        operation_records=(
            OperationRecord("zhangsan", "START_PROCESS_INSTANCE", "NONE", at(2, 10)),
            OperationRecord(
                "lisi",
                "EXECUTE_TASK_NORMAL",
                "AGREE",
                at(3, 1),
                remark="同意",
                activity_id="aabb-ccdd",
                show_name="审批人",
                attachments=(Attachment("plan.pdf", "111", "pdf", "1024", "12345"),),
            ),
            OperationRecord(
                "wangwu",
                "EXECUTE_TASK_AGENT",
                "AGREE",
                at(3, 45),
                activity_id="eeff-0011",
                show_name="审批人",
            ),
        ),
        tasks=(
            ApprovalTask(
                61000000001,
                "lisi",
                "COMPLETED",
                "AGREE",
                "aabb-ccdd",
                at(2, 10),
                at(3, 1),
                task_group_name="审批人1",
                pc_url="https://aflow.dingtalk.com/pc/1",
                mobile_url="https://aflow.dingtalk.com/m/1",
            ),
            ApprovalTask(
                61000000002,
                "wangwu",
                "COMPLETED",
                "AGREE",
                "eeff-0011",
                at(3, 1),
                at(3, 45),
                task_group_name="审批人2",
            ),
        ),
        approver_user_ids=("lisi", "wangwu"),
        cc_user_ids=("admin",),
    )
    assert instance.approved
    assert instance.agreed_by == ("lisi", "wangwu")


def test_it_accepts_the_new_status_and_a_boolean_success(replay: Any) -> None:
    instance = replay("instance_new_with_redirected_task")

    assert (instance.status, instance.result, instance.finish_time) == (
        InstanceStatus.NEW,
        InstanceResult.NONE,
        None,
    )
    assert [(t.task_id, t.status, t.result) for t in instance.tasks] == [
        (111, "NEW", "REDIRECTED"),
        (112, "RUNNING", ""),
    ]
    assert not instance.approved


def test_it_reads_a_revocation_that_carries_no_result(replay: Any) -> None:
    instance = replay("instance_terminated_without_result")

    assert (instance.status, instance.result) == (InstanceStatus.TERMINATED, InstanceResult.NONE)
    assert instance.operation_records[-1].type == "TERMINATE_PROCESS_INSTANCE"
    assert instance.ended_without_approval


def test_it_accepts_the_canceled_status(replay: Any) -> None:
    instance = replay("instance_canceled_status")

    assert instance.status is InstanceStatus.CANCELED
    assert instance.ended_without_approval


def test_it_reads_a_revoke_after_approval_from_the_attached_instance(replay: Any) -> None:
    instance = replay("instance_revoked_after_approval")

    assert instance.biz_action is BizAction.REVOKE
    assert instance.attached_process_instance_ids == ("b282ef7d-9c10-4c3c-8d2f-1e2f3a4b5c6d",)
    assert instance.ended_without_approval


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("instance_malformed_time", "createTime='2026-11-26 02:10:00', not yyyy-MM-ddTHH:mmZ"),
        ("instance_malformed_without_status", "malformed at result.status: Field required"),
        ("instance_malformed_unknown_status", "unknown status 'APPROVED'"),
    ],
)
def test_it_refuses_a_malformed_answer_naming_what_is_wrong(
    replay: Any, name: str, complaint: str
) -> None:
    with pytest.raises(errors.UnexpectedResponse) as raised:
        replay(name)

    assert complaint in str(raised.value)
    assert raised.value.permanent
