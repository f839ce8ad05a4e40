"""Telling people in WeCom through the simulated WeCom: one Markdown app message to the
people (sent again, shown once: WeCom's duplicate check), people WeCom does not know
named as not reached, and the group robot."""

from __future__ import annotations

import pytest

from releasegate.integrations.wecom import errors
from releasegate.integrations.wecom.client import WeComClient
from releasegate.integrations.wecom.messages import GroupRobot, WeComMessenger
from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator

App = tuple[WeComSimulator, WeComControl]
TEXT = "### 发布结束：mall/order-service #1\n\n- 结果：✅ 成功"


def test_the_people_get_one_message_even_when_sent_again(
    wecom_client: WeComClient, wecom_app: App
) -> None:
    _, control = wecom_app
    messenger = WeComMessenger(wecom_client, None)

    first = messenger.send_to_people(["zhangsan", "lisi"], "发布结束：mall/order-service #1", TEXT)
    again = messenger.send_to_people(["zhangsan", "lisi"], "发布结束：mall/order-service #1", TEXT)

    sent = control.messages(kind="message")
    assert len(sent) == 1 and first.reference == again.reference
    assert sorted(sent[0]["to"]) == ["lisi", "zhangsan"]
    assert sent[0]["msgtype"] == "markdown"
    assert sent[0]["content"]["content"].startswith("### 发布结束：mall/order-service #1")


def test_someone_wecom_does_not_know_is_named_not_reached(wecom_client: WeComClient) -> None:
    messenger = WeComMessenger(wecom_client, None)

    sent = messenger.send_to_people(["lisi", "nobody"], "待审批", "请审批")

    assert sent.not_reached == ("nobody",)
    with pytest.raises(errors.WeComError):
        messenger.send_to_people(["nobody"], "待审批", "请审批")


def test_the_group_robot_hears_it(wecom_app: App) -> None:
    simulator, control = wecom_app
    robot = GroupRobot(simulator.robot_webhook)
    WeComMessenger.send_to_group(WeComMessenger(None, robot), "发布结束", TEXT)  # type: ignore[arg-type]
    wrong = GroupRobot(simulator.robot_webhook.replace("key=", "key=x"))

    with pytest.raises(errors.WeComError):
        wrong.send_markdown("发布结束")
    assert len(control.messages(kind="robot")) == 1
    robot.close()
    wrong.close()


def test_with_the_releases_page_known_it_is_a_text_card_leading_there(
    wecom_client: WeComClient, wecom_app: App
) -> None:
    _, control = wecom_app
    link = "https://releasegate.example.org/releases/1/"

    WeComMessenger(wecom_client, None).send_to_people(
        ["zhangsan"],
        "发布结束：mall/order-service #1",
        TEXT + "\n- 构建：[#3](https://jenkins/3)",
        link,
    )

    (sent,) = control.messages(kind="message")
    card = sent["content"]
    assert sent["msgtype"] == "textcard"
    assert (card["title"], card["url"], card["btntxt"]) == (
        "发布结束：mall/order-service #1",
        link,
        "详情",
    )
    assert card["description"] == "结果：✅ 成功<br>构建：#3"
