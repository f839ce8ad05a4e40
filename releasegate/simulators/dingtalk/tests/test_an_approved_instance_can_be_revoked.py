"""Revoking an approved instance, as DingTalk documents it: the revocation is its own,
attached instance (bizAction REVOKE, mainProcessInstanceId) that the approved one lists in
attachedProcessInstanceIds; it is pushed like any instance, and DingTalk's API and its
listing show it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.integrations.dingtalk.models import BizAction
from releasegate.simulators.dingtalk.control import DingTalkControl, SimulatorRefused
from releasegate.simulators.dingtalk.tests.conftest import FORM, Pushing


def approved(dingtalk: DingTalkControl) -> str:
    instance_id = dingtalk.submit("zhangsan", FORM)
    dingtalk.agree(instance_id, "lisi")
    dingtalk.agree(instance_id, "wangwu")
    return instance_id


def test_the_revocation_is_an_attached_instance_linked_both_ways(
    pushing: Pushing, connect_dingtalk: Callable[..., DingTalkClient]
) -> None:
    simulator, control = pushing
    dingtalk_client = connect_dingtalk(simulator)
    instance_id = approved(control)

    main = control.revoke(instance_id, remark="发错版本")

    (revocation_id,) = main["attachedProcessInstanceIds"]
    assert (main["status"], main["result"], main["bizAction"]) == ("COMPLETED", "agree", "NONE")
    revocation = dingtalk_client.get_instance(revocation_id)
    assert revocation.biz_action is BizAction.REVOKE
    assert revocation.main_process_instance_id == instance_id
    assert not revocation.approved
    assert revocation.ended_without_approval
    assert dingtalk_client.get_instance(instance_id).attached_process_instance_ids == (
        revocation_id,
    )
    events = [
        delivery["event"]
        for delivery in control.events()
        if delivery["event"].get("processInstanceId") == revocation_id
    ]
    assert [(e["EventType"], e["type"], e.get("result")) for e in events] == [
        ("bpms_instance_change", "start", None),
        ("bpms_instance_change", "finish", "agree"),
    ]


def test_only_an_approved_instance_is_revoked_and_only_once(
    dingtalk_sim: DingTalkControl,
) -> None:
    control = dingtalk_sim
    running = control.submit("zhangsan", FORM)
    with pytest.raises(SimulatorRefused, match="only an approved instance"):
        control.revoke(running)
    instance_id = approved(control)
    with pytest.raises(SimulatorRefused, match="only the originator"):
        control.revoke(instance_id, user="lisi")
    control.revoke(instance_id)
    with pytest.raises(SimulatorRefused, match="already changed"):
        control.revoke(instance_id)
