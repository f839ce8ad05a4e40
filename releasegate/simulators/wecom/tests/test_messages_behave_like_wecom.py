from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from releasegate.simulators.wecom.control import WeComControl
from releasegate.simulators.wecom.server import WeComSimulator
from releasegate.simulators.wecom.tests.conftest import DEMO


def text(to: str, content: str = "发布单已提交", **extra: Any) -> dict[str, Any]:
    return {
        "touser": to,
        "msgtype": "text",
        "agentid": DEMO.agent_id,
        "text": {"content": content},
        **extra,
    }


def test_the_sdk_sends_a_text_card(sdk: Any, wecom_sim: WeComControl) -> None:
    answer = sdk.message.send_text_card(
        DEMO.agent_id, ["lisi", "wangwu"], "发布审批", "<div class='gray'>mall</div>", "https://rg/"
    )

    assert answer["errcode"] == 0
    assert answer["invaliduser"] == ""
    (sent,) = wecom_sim.messages(kind="message")
    assert (sent["to"], sent["msgtype"], sent["msgid"]) == (
        ["lisi", "wangwu"],
        "textcard",
        answer["msgid"],
    )
    assert sent["content"]["title"] == "发布审批"


def test_unknown_receivers_come_back_as_invaliduser_and_all_unknown_is_81013(
    api: httpx.Client, wecom_sim: WeComControl
) -> None:
    partly = api.post("message/send", json=text("lisi|Ghost|nobody")).json()
    none = api.post("message/send", json=text("ghost")).json()

    assert (partly["errcode"], partly["invaliduser"]) == (0, "ghost|nobody")
    assert none["errcode"] == 81013
    assert [m["to"] for m in wecom_sim.messages()] == [["lisi"]]


def test_more_than_30_a_minute_to_a_member_are_silently_dropped(
    api: httpx.Client, wecom_sim: WeComControl
) -> None:
    answers = [api.post("message/send", json=text("lisi", f"#{n}")).json() for n in range(31)]

    assert {a["errcode"] for a in answers} == {0}
    messages = wecom_sim.messages(to="lisi")
    assert [m["dropped_for"] for m in messages[-2:]] == [[], ["lisi"]]


def test_a_duplicate_within_the_check_interval_is_not_sent_again(
    api: httpx.Client, wecom_sim: WeComControl
) -> None:
    checked = text("lisi", enable_duplicate_check=1, duplicate_check_interval=600)

    first = api.post("message/send", json=checked).json()
    second = api.post("message/send", json=checked).json()
    wecom_sim.advance(600)
    third = api.post("message/send", json=checked).json()

    assert first["msgid"] == second["msgid"] != third["msgid"]
    assert len(wecom_sim.messages()) == 2


def test_a_wrong_agentid_is_40056(api: httpx.Client) -> None:
    answer = api.post("message/send", json={**text("lisi"), "agentid": 1}).json()

    assert answer["errcode"] == 40056


def test_the_group_robot_checks_its_key_and_allows_20_a_minute(
    start_wecom: Callable[..., WeComSimulator],
) -> None:
    wecom = start_wecom(robot_per_minute=2)
    message = {"msgtype": "markdown", "markdown": {"content": "**发布** mall"}}

    unknown = httpx.post(f"{wecom.url}cgi-bin/webhook/send?key=nope", json=message).json()
    codes = [httpx.post(wecom.robot_webhook, json=message).json()["errcode"] for _ in range(3)]

    assert unknown["errcode"] == 93000
    assert codes == [0, 0, 45009]
    control = WeComControl(wecom.url)
    assert [m["content"] for m in control.messages(kind="robot")] == [message["markdown"]] * 2
    control.close()
