"""Telling people in Feishu through the simulated Feishu: a card per person with a uuid
that keeps a retry from showing twice, people Feishu does not know named as not reached,
and the custom bot signed with its secret."""

from __future__ import annotations

import json

import pytest

from releasegate.integrations.feishu import errors
from releasegate.integrations.feishu.client import FeishuClient
from releasegate.integrations.feishu.messages import CustomBot, FeishuMessenger
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import SimSettings

DEMO = SimSettings.demo()
OPEN_ID = {person.user_id: person.open_id for person in DEMO.people}
App = tuple[FeishuSimulator, FeishuControl]


def test_each_person_gets_one_card_even_when_sent_again(
    feishu_client: FeishuClient, feishu_app: App
) -> None:
    _, control = feishu_app
    messenger = FeishuMessenger(feishu_client, None)
    people = [OPEN_ID["zhangsan"], OPEN_ID["lisi"]]

    text = "### 发布成功\n\n**mall/order-service** 已发布"
    first = messenger.send_to_people(people, "发布成功", text)
    again = messenger.send_to_people(people, "发布成功", text)

    sent = control.messages(kind="message")
    assert sorted(m["to"] for m in sent) == sorted(people)
    assert first.reference == again.reference  # Feishu answered the repeat with the same ids
    card = (
        json.loads(sent[0]["content"])
        if isinstance(sent[0]["content"], str)
        else sent[0]["content"]
    )
    assert sent[0]["msg_type"] == "interactive"
    assert card["header"]["title"]["content"] == "发布成功"
    # The header shows the title; the text does not repeat it as a heading.
    assert card["elements"][0]["content"] == "**mall/order-service** 已发布"


def test_someone_feishu_does_not_know_is_named_not_reached(
    feishu_client: FeishuClient, feishu_app: App
) -> None:
    messenger = FeishuMessenger(feishu_client, None)

    sent = messenger.send_to_people([OPEN_ID["lisi"], "ou_nobody"], "待审批", "请审批")

    assert sent.not_reached == ("ou_nobody",)
    with pytest.raises(errors.FeishuError):
        messenger.send_to_people(["ou_nobody"], "待审批", "请审批")


def test_the_custom_bot_posts_signed_cards(feishu_app: App) -> None:
    simulator, control = feishu_app
    bot = CustomBot(simulator.bot_webhook, DEMO.bot_secret)
    bot.send_card({"elements": [{"tag": "markdown", "content": "发布成功"}]})
    forged = CustomBot(simulator.bot_webhook, "not-the-secret")

    with pytest.raises(errors.FeishuError):
        forged.send_card({"elements": []})
    assert len(control.messages(kind="bot")) == 1
    bot.close()
    forged.close()


def test_with_the_releases_page_known_the_card_has_a_button_there(
    feishu_client: FeishuClient, feishu_app: App
) -> None:
    _, control = feishu_app
    link = "https://releasegate.example.org/releases/1/"

    FeishuMessenger(feishu_client, None).send_to_people(
        [OPEN_ID["lisi"]], "发布结束", "结果：成功", link
    )

    (sent,) = control.messages(kind="message")
    card = json.loads(sent["content"]) if isinstance(sent["content"], str) else sent["content"]
    (button,) = card["elements"][1]["actions"]
    assert (button["url"], button["text"]["content"]) == (link, "查看发布详情")
