"""The official SDK's `robot_1_0` BatchSendOTO (`oToMessages/batchSend`) against the
simulator: a markdown message to each user's 1:1 chat with the app's robot (its robot
code is the app key); the users not reached come back in the answer's lists."""

from __future__ import annotations

import json
from typing import Any

from alibabacloud_dingtalk.robot_1_0 import models as robot_models

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator
from releasegate.simulators.dingtalk.tests import official_sdk

MARKDOWN = {"title": "待审批：发布 release-42", "text": "### 发布 release-42\n申请人：张三"}


def _send(simulator: DingTalkSimulator, token: str, user_ids: list[str]) -> Any:
    return official_sdk.robot(simulator).batch_send_otowith_options(
        robot_models.BatchSendOTORequest(
            robot_code=simulator.settings.app_key,
            user_ids=user_ids,
            msg_key="sampleMarkdown",
            msg_param=json.dumps(MARKDOWN, ensure_ascii=False),
        ),
        robot_models.BatchSendOTOHeaders(x_acs_dingtalk_access_token=token),
        official_sdk.RUNTIME,
    )


def test_members_get_the_message_and_strangers_are_listed_as_invalid(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    answer = _send(dingtalk, sdk_token, ["lisi", "wangwu", "nobody"])

    assert answer.status_code == 200
    assert answer.body.process_query_key
    assert answer.body.invalid_staff_id_list == ["nobody"]
    assert answer.body.flow_controlled_staff_id_list == answer.body.filtered_staff_id_list == []
    assert official_sdk.undeclared(answer.body) == []
    sent = dingtalk_sim.messages("robot")
    assert [(m["to"], m["delivered"]) for m in sent] == [
        ("lisi", True),
        ("wangwu", True),
        ("nobody", False),
    ]
    assert sent[0]["msg"] == {"msgKey": "sampleMarkdown", "msgParam": MARKDOWN}


def test_flow_controlled_and_filtered_users_are_named_in_their_lists(
    dingtalk: DingTalkSimulator, dingtalk_sim: DingTalkControl, sdk_token: str
) -> None:
    dingtalk_sim.set_faults(robot_flow_controlled=["lisi"], robot_filtered=["wangwu"])

    answer = _send(dingtalk, sdk_token, ["lisi", "wangwu", "zhangsan"])

    assert answer.body.flow_controlled_staff_id_list == ["lisi"]
    assert answer.body.filtered_staff_id_list == ["wangwu"]
    assert answer.body.invalid_staff_id_list == []
