"""Robot 1:1 messages: the app key as robot code, msgKey sampleMarkdown with msgParam as a
JSON string; users DingTalk names as invalid, flow-controlled or filtered come back as not
reached."""

from __future__ import annotations

from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.simulators.dingtalk.control import DingTalkControl

BATCH_PATH = "/v1.0/robot/oToMessages/batchSend"


def test_it_sends_a_markdown_message_to_each_users_chat(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    sent = dingtalk_client.send_robot_message(["lisi", "wangwu"], "请审批", "**mall/web** 待审批")

    messages = dingtalk_sim.messages("robot")
    assert [(m["to"], m["delivered"]) for m in messages] == [("lisi", True), ("wangwu", True)]
    assert messages[0]["msg"] == {
        "msgKey": "sampleMarkdown",
        "msgParam": {"title": "请审批", "text": "**mall/web** 待审批"},
    }
    assert sent.reference == messages[0]["reference"]
    assert sent.not_reached == ()


def test_it_reports_invalid_flow_controlled_and_filtered_users(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_sim.set_faults(robot_flow_controlled=["lisi"], robot_filtered=["wangwu"])

    sent = dingtalk_client.send_robot_message(
        ["zhangsan", "lisi", "wangwu", "left-the-company"], "发布", "内容"
    )

    assert sent.not_reached == ("left-the-company", "lisi", "wangwu")
    assert [m["to"] for m in dingtalk_sim.messages("robot") if m["delivered"]] == ["zhangsan"]


def test_it_sends_twenty_users_a_request(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    users = [f"user{n:02d}" for n in range(45)]

    sent = dingtalk_client.send_robot_message(users, "发布", "内容")

    assert [r["status"] for r in dingtalk_sim.requests(BATCH_PATH)] == [200, 200, 200]
    assert sent.not_reached == tuple(users)  # nobody of that name in the organisation
