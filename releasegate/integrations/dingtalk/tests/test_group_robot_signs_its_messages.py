"""The custom group robot: every message signed with a fresh millisecond timestamp; a
refusal arrives as HTTP 200 with a non-zero errcode and is raised; the 20-a-minute limit
is a transient failure."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.robot import GroupRobot
from releasegate.lib.http import Timeouts
from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.server import DingTalkSimulator

Robot = Callable[..., GroupRobot]


@pytest.fixture
def robot(dingtalk: DingTalkSimulator) -> Iterator[Robot]:
    """`robot(secret=..., clock=..., webhook=...)`: the demo group's robot."""
    opened: list[GroupRobot] = []

    def open_robot(**options: object) -> GroupRobot:
        arguments: dict[str, object] = {
            "webhook": dingtalk.robot_webhook,
            "secret": dingtalk.settings.robot_secret,
            "timeouts": Timeouts.uniform(5),
            "verify_tls": False,
        }
        opened.append(GroupRobot(**{**arguments, **options}))  # type: ignore[arg-type]
        return opened[-1]

    yield open_robot
    for each in opened:
        each.close()


def test_a_signed_message_reaches_the_group(robot: Robot, dingtalk_sim: DingTalkControl) -> None:
    sent = robot().send_markdown("发布成功", "mall/web 已发布 @lisi", at_user_ids=["lisi"])

    [message] = dingtalk_sim.messages("group_robot")
    assert message["msg"]["markdown"] == {"title": "发布成功", "text": "mall/web 已发布 @lisi"}
    assert message["msg"]["at"] == {"atUserIds": ["lisi"], "isAtAll": False}
    assert sent.reference == ""


@pytest.mark.parametrize(
    ("options", "errmsg"),
    [
        ({"secret": "SECnot-the-robots-secret"}, "sign not match"),
        ({"clock": lambda: time.time() - 2 * 3600}, "invalid timestamp"),
        ({"secret": ""}, "invalid timestamp"),
    ],
)
def test_a_refusal_with_http_200_is_a_permanent_failure(
    robot: Robot, dingtalk_sim: DingTalkControl, options: dict[str, object], errmsg: str
) -> None:
    with pytest.raises(errors.MessageRejected) as raised:
        robot(**options).send_markdown("发布", "内容")

    assert raised.value.permanent
    assert raised.value.code == 310000
    assert errmsg in str(raised.value)
    assert dingtalk_sim.messages("group_robot") == []


def test_more_than_twenty_a_minute_throttles_transiently(
    robot: Robot, dingtalk_sim: DingTalkControl
) -> None:
    sender = robot()
    for n in range(20):
        sender.send_markdown("发布", f"第 {n} 条")

    with pytest.raises(errors.RobotThrottled) as raised:
        sender.send_markdown("发布", "第 21 条")

    assert not raised.value.permanent
    dingtalk_sim.advance(601)
    sender.send_markdown("发布", "十分钟后")


def test_an_unknown_robot_token_is_refused(robot: Robot, dingtalk: DingTalkSimulator) -> None:
    webhook = f"{dingtalk.url}robot/send?access_token=no-such-robot-token"

    with pytest.raises(errors.MessageRejected, match="errcode 300005"):
        robot(webhook=webhook).send_markdown("发布", "内容")
