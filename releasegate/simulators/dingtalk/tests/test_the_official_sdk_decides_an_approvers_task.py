"""The official SDK's `workflow_1_0` ExecuteProcessInstance (`processInstances/execute`,
reference section 9.1) against the simulator: the task id the SDK read from the instance
decides it as its approver; decisions DingTalk would not take raise the SDK's
TeaException with the simulator's code. Which code answers which refusal is UNCONFIRMED
(reference 9.1); the simulator's choices are in approvals/api.py."""

from __future__ import annotations

from typing import Any

import pytest
from alibabacloud_dingtalk.workflow_1_0 import models as workflow_models
from Tea.exceptions import TeaException

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests import official_sdk
from releasegate.simulators.dingtalk.tests.conftest import FORM


def _read(simulator: DingTalkSimulator, token: str, instance_id: str) -> Any:
    """The instance as the SDK reads it (the answer's `result`)."""
    return official_sdk.get_instance(simulator, token, instance_id).body.result


def _execute(
    simulator: DingTalkSimulator, token: str, instance_id: str, task: Any, **overrides: Any
) -> Any:
    """ExecuteProcessInstance on `task` as its approver; `overrides` replace fields."""
    fields: dict[str, Any] = {
        "process_instance_id": instance_id,
        "task_id": task.task_id,
        "actioner_user_id": task.user_id,
        "result": "agree",
        "remark": "同意。",
        **overrides,
    }
    return official_sdk.workflow(simulator).execute_process_instance_with_options(
        workflow_models.ExecuteProcessInstanceRequest(**fields),
        workflow_models.ExecuteProcessInstanceHeaders(x_acs_dingtalk_access_token=token),
        official_sdk.RUNTIME,
    )


def _running(instance: Any) -> Any:
    return next(task for task in instance.tasks if task.status == "RUNNING")


def test_agreeing_each_running_task_completes_the_instance(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)

    opened = _read(dingtalk, sdk_token, instance_id)
    first = _execute(dingtalk, sdk_token, instance_id, _running(opened))
    midway = _read(dingtalk, sdk_token, instance_id)
    _execute(dingtalk, sdk_token, instance_id, _running(midway), remark="")
    done = _read(dingtalk, sdk_token, instance_id)

    assert (first.status_code, first.body.success, first.body.result) == (200, True, True)
    assert official_sdk.undeclared(first.body) == []
    assert [(t.user_id, t.status, t.result) for t in midway.tasks] == [
        ("lisi", "COMPLETED", "AGREE"),
        ("wangwu", "RUNNING", ""),
    ]
    assert (done.status, done.result) == ("COMPLETED", "agree")
    assert [r.remark for r in done.operation_records if r.type == "EXECUTE_TASK_NORMAL"] == [
        "同意。",
        None,
    ]


def test_refusing_a_task_ends_the_instance_refused(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    task = _running(_read(dingtalk, sdk_token, instance_id))

    # Whether a taken refusal answers result false is UNCONFIRMED (reference 9.1);
    # success says it was taken.
    answer = _execute(dingtalk, sdk_token, instance_id, task, result="refuse")
    found = _read(dingtalk, sdk_token, instance_id)

    assert answer.body.success is True
    assert official_sdk.undeclared(answer.body) == []
    assert (found.status, found.result) == ("COMPLETED", "refuse")
    assert [(t.user_id, t.status, t.result) for t in found.tasks] == [
        ("lisi", "COMPLETED", "REFUSE")
    ]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"actioner_user_id": "wangwu"}, "needAuth"),
        ({"task_id": 1}, "invalidInstanceExecuteTaskId"),
        ({"process_instance_id": "no-such-instance"}, "invalidInstanceId"),
        ({"result": "redirect"}, "invalidInstanceExecuteResult"),
        ({"actioner_user_id": "nobody"}, "userNotExist"),
    ],
)
def test_a_decision_dingtalk_would_not_take_raises_its_code(
    dingtalk: DingTalkSimulator,
    dingtalk_sim: DingTalkControl,
    sdk_token: str,
    overrides: dict[str, Any],
    code: str,
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    task = _running(_read(dingtalk, sdk_token, instance_id))

    with pytest.raises(TeaException) as raised:
        _execute(dingtalk, sdk_token, instance_id, task, **overrides)

    assert (raised.value.code, raised.value.data["statusCode"]) == (code, 400)
    assert _read(dingtalk, sdk_token, instance_id).status == "RUNNING"


def test_a_task_already_decided_cannot_be_decided_again(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    task = _running(_read(dingtalk, sdk_token, instance_id))
    _execute(dingtalk, sdk_token, instance_id, task)

    with pytest.raises(TeaException) as raised:
        _execute(dingtalk, sdk_token, instance_id, task, result="refuse")

    assert raised.value.code == "aflowProcessInstCanNotBeExecuted"
