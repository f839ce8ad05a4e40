"""A text notice card (template_card, text_notice) sent with wechatpy's generic
`message.send` is taken as WeCom takes it and shown in its reader's messages, tapping it
opening its `card_action` address; a card WeCom would refuse is refused with WeCom's
errcode for what is wrong (发送应用消息, 全局错误码)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from wechatpy.exceptions import WeChatClientException

from releasegate.simulators.wecom.control import SimulatorRefused, WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.tests.conftest import DEMO

OPENS = "https://releasegate.example.com/requests/202612050001/"


def notice(**changes: Any) -> dict[str, Any]:
    card: dict[str, Any] = {
        "card_type": "text_notice",
        "source": {"desc": "ReleaseGate"},
        "main_title": {"title": "待你审批：mall/order-service", "desc": "zhangsan 提交"},
        "sub_title_text": "TAG：v1.4.2 ← v1.4.1",
        "horizontal_content_list": [{"keyname": "数据库", "value": "无"}],
        "jump_list": [{"type": 1, "title": "查看发布申请", "url": OPENS}],
        "card_action": {"type": 1, "url": OPENS},
    }
    card.update(changes)
    return {"msgtype": "template_card", "template_card": card}


def send(sdk: Any, message: dict[str, Any], to: str = "lisi") -> dict[str, Any]:
    answer: dict[str, Any] = sdk.message.send(DEMO.agent_id, [to], msg=message)
    return answer


def refusal(sdk: Any, message: dict[str, Any]) -> int:
    with pytest.raises(WeChatClientException) as refused:
        send(sdk, message)
    code: int = refused.value.errcode
    return code


def test_a_text_notice_reaches_its_reader_and_opens_its_address(
    sdk: Any, wecom_sim: WeComControl, wecom: WeComSimulator
) -> None:
    answer = send(sdk, notice())

    assert answer["errcode"] == 0 and "response_code" not in answer
    (sent,) = wecom_sim.messages(to="lisi")
    assert (sent["msgtype"], sent["msgid"]) == ("template_card", answer["msgid"])
    assert sent["advice"] == []
    assert wecom_sim.open_card(sent["id"], "lisi") == OPENS
    inbox = httpx.get(f"{wecom.url}_sim/inbox", params={"user": "lisi"}, timeout=5).text
    assert f"href='{OPENS}'" in inbox and "待你审批：mall/order-service" in inbox
    assert "TAG：v1.4.2 ← v1.4.1" in inbox


def test_someone_else_cannot_open_a_card_they_were_not_sent(
    sdk: Any, wecom_sim: WeComControl
) -> None:
    send(sdk, notice())
    (sent,) = wecom_sim.messages(to="lisi")

    with pytest.raises(SimulatorRefused) as refused:
        wecom_sim.open_card(sent["id"], "wangwu")
    assert refused.value.status == 404


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"card_type": "text_card"}, 42031),
        ({"card_action": None}, 42045),
        ({"card_action": {"type": 3, "url": OPENS}}, 42045),
        ({"card_action": {"type": 1}}, 42028),
        ({"card_action": {"type": 2}}, 42030),
        ({"card_action": {"type": 1, "url": "releasegate.example.com/x"}}, 45034),
        ({"card_action": {"type": 1, "url": "https://rg/" + "x" * 1020}}, 40039),
        ({"main_title": {}, "sub_title_text": ""}, 42033),
        ({"horizontal_content_list": [{"keyname": "k", "value": "v"}] * 7}, 42035),
        ({"horizontal_content_list": [{"value": "v"}]}, 42027),
        ({"horizontal_content_list": [{"keyname": "k", "type": 1}]}, 42028),
        ({"horizontal_content_list": [{"keyname": "k", "type": 3}]}, 42050),
        ({"jump_list": [{"type": 1, "title": "t", "url": OPENS}] * 4}, 42042),
        ({"jump_list": [{"type": 1, "url": OPENS}]}, 42033),
        ({"task_id": "has space"}, 42014),
        ({"action_menu": {"action_list": [{"text": "a", "key": "k"}]}}, 42014),
    ],
)
def test_a_card_wecom_would_refuse_is_refused_with_its_code(
    sdk: Any, wecom_sim: WeComControl, change: dict[str, Any], code: int
) -> None:
    assert refusal(sdk, notice(**change)) == code
    assert wecom_sim.messages() == []


def test_a_task_id_is_used_once_per_app(sdk: Any, wecom_sim: WeComControl) -> None:
    send(sdk, notice(task_id="rg-202612050001-lisi"))

    assert refusal(sdk, notice(task_id="rg-202612050001-lisi", sub_title_text="again")) == 42014
    assert len(wecom_sim.messages()) == 1


def test_texts_longer_than_the_doc_advises_are_taken_and_noted(
    sdk: Any, wecom_sim: WeComControl
) -> None:
    send(sdk, notice(main_title={"title": "长" * 37}))

    (sent,) = wecom_sim.messages()
    assert sent["advice"] == ["main_title.title: 37 > 36"]


def test_a_card_with_a_menu_answers_with_a_response_code(sdk: Any) -> None:
    menu = {"action_list": [{"text": "不再推送", "key": "stop"}]}

    answer = send(sdk, notice(task_id="rg-menu-1", action_menu=menu))

    assert answer["response_code"]
