"""The approver control API moves an instance exactly as DingTalk would show it: RUNNING
until the last approver agrees (COMPLETED + agree), a refusal ends it COMPLETED + refuse,
the originator's revocation ends it TERMINATED without a result; OR steps cancel the
other approvers' tasks, AND steps wait for everyone."""

from __future__ import annotations

from typing import Any

import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl, SimulatorRefused
from releasegate.simulators.dingtalk.tests.conftest import FORM


def tasks(instance: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(t["userId"], t["status"], t["result"]) for t in instance["tasks"]]


def test_the_last_approvers_agreement_completes_it(dingtalk_sim: DingTalkControl) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)

    halfway = dingtalk_sim.agree(instance_id, "lisi", "可以")
    done = dingtalk_sim.agree(instance_id, "wangwu")

    assert (halfway["status"], halfway["result"], halfway["waiting_on"]) == (
        "RUNNING",
        "",
        ["wangwu"],
    )
    assert (done["status"], done["result"], done["waiting_on"]) == ("COMPLETED", "agree", [])
    assert tasks(done) == [("lisi", "COMPLETED", "AGREE"), ("wangwu", "COMPLETED", "AGREE")]
    assert [(r["userId"], r["type"], r["result"]) for r in done["operationRecords"]] == [
        ("zhangsan", "START_PROCESS_INSTANCE", "NONE"),
        ("lisi", "EXECUTE_TASK_NORMAL", "AGREE"),
        ("wangwu", "EXECUTE_TASK_NORMAL", "AGREE"),
    ]
    assert done["operationRecords"][1]["remark"] == "可以"
    assert "finishTime" in done


def test_a_refusal_ends_it_at_once(dingtalk_sim: DingTalkControl) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)

    done = dingtalk_sim.refuse(instance_id, "lisi", "不在发布窗口")

    assert (done["status"], done["result"]) == ("COMPLETED", "refuse")
    assert tasks(done) == [("lisi", "COMPLETED", "REFUSE")]


def test_the_originators_revocation_terminates_it_without_a_result(
    dingtalk_sim: DingTalkControl,
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)

    done = dingtalk_sim.terminate(instance_id)

    assert (done["status"], done["result"]) == ("TERMINATED", "")
    assert tasks(done) == [("lisi", "TERMINATED", "")]
    assert done["operationRecords"][-1]["type"] == "TERMINATE_PROCESS_INSTANCE"


def test_an_or_step_cancels_the_other_approvers(dingtalk_sim: DingTalkControl) -> None:
    instance_id = dingtalk_sim.submit(
        "zhangsan", FORM, approvers=[{"actionType": "OR", "userIds": ["lisi", "wangwu"]}]
    )

    done = dingtalk_sim.agree(instance_id, "wangwu")

    assert (done["status"], done["result"]) == ("COMPLETED", "agree")
    assert tasks(done) == [("lisi", "CANCELED", ""), ("wangwu", "COMPLETED", "AGREE")]


def test_an_and_step_waits_for_everyone(dingtalk_sim: DingTalkControl) -> None:
    instance_id = dingtalk_sim.submit(
        "zhangsan", FORM, approvers=[{"actionType": "AND", "userIds": ["lisi", "wangwu"]}]
    )

    halfway = dingtalk_sim.agree(instance_id, "lisi")
    done = dingtalk_sim.agree(instance_id, "wangwu")

    assert (halfway["status"], halfway["waiting_on"]) == ("RUNNING", ["wangwu"])
    assert (done["status"], done["result"]) == ("COMPLETED", "agree")


@pytest.mark.parametrize(
    ("act", "message"),
    [
        (lambda sim, i: sim.agree(i, "wangwu"), "wangwu has no running task; waiting on lisi"),
        (lambda sim, i: sim.terminate(i, "lisi"), "only the originator may revoke"),
    ],
)
def test_an_action_that_does_not_fit_is_refused(
    dingtalk_sim: DingTalkControl, act: object, message: str
) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)

    with pytest.raises(SimulatorRefused) as raised:
        act(dingtalk_sim, instance_id)  # type: ignore[operator]

    assert raised.value.status == 409
    assert message in raised.value.message


def test_a_finished_instance_takes_no_more_actions(dingtalk_sim: DingTalkControl) -> None:
    instance_id = dingtalk_sim.submit("zhangsan", FORM)
    dingtalk_sim.refuse(instance_id, "lisi")

    with pytest.raises(SimulatorRefused, match="is COMPLETED"):
        dingtalk_sim.terminate(instance_id)
