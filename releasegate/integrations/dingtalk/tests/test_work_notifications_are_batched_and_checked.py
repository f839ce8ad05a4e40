"""Work notifications: a markdown message from the app, the users as a comma string, at
most 100 a request; DingTalk's HTTP 200 with a non-zero errcode is a failure."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.client import DingTalkClient
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

WORK_PATH = "/topapi/message/corpconversation/asyncsend_v2"


def test_it_sends_a_markdown_notification_to_each_user(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    sent = dingtalk_client.send_work_notification(
        ["zhangsan", "lisi", "zhangsan"], "发布成功", "**mall/web** 已发布"
    )

    messages = dingtalk_sim.messages("work_notification")
    assert [(m["to"], m["delivered"]) for m in messages] == [("zhangsan", True), ("lisi", True)]
    assert messages[0]["msg"] == {
        "msgtype": "markdown",
        "markdown": {"title": "发布成功", "text": "**mall/web** 已发布"},
    }
    assert sent.reference == messages[0]["reference"]
    assert sent.not_reached == ()


def test_it_splits_more_than_a_hundred_users_into_requests(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    users = [f"user{n:03d}" for n in range(250)]

    sent = dingtalk_client.send_work_notification(users, "发布", "内容")

    assert [r["status"] for r in dingtalk_sim.requests(WORK_PATH)] == [200, 200, 200]
    assert [m["to"] for m in dingtalk_sim.messages("work_notification")] == users
    assert len(sent.reference.split(",")) == 3


def test_a_non_zero_errcode_is_a_permanent_failure(
    dingtalk: DingTalkSimulator, connect_dingtalk: Callable[..., DingTalkClient]
) -> None:
    client = connect_dingtalk(dingtalk, agent_id=999)

    with pytest.raises(errors.MessageRejected) as raised:
        client.send_work_notification(["lisi"], "发布", "内容")

    assert raised.value.permanent
    assert raised.value.code == 40056
    assert "errcode 40056" in str(raised.value)


def test_an_identical_message_the_same_day_is_accepted_but_not_delivered(
    dingtalk_client: DingTalkClient, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_client.send_work_notification(["lisi"], "发布", "同样的内容")
    dingtalk_client.send_work_notification(["lisi"], "发布", "同样的内容")
    dingtalk_client.send_work_notification(["lisi"], "发布", "不同的内容")

    assert [(m["delivered"], m["reason"]) for m in dingtalk_sim.messages(to="lisi")] == [
        (True, ""),
        (False, "identical message already sent today"),
        (True, ""),
    ]


def test_it_needs_at_least_one_recipient(dingtalk_client: DingTalkClient) -> None:
    with pytest.raises(ValueError, match="recipient"):
        dingtalk_client.send_work_notification([], "发布", "内容")
