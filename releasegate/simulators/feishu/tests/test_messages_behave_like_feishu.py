from __future__ import annotations

import json
from typing import Any

import httpx
from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator

LISI_OPEN_ID = "ou_2b5c8a41e9f04d3c9a7e6b1d0f3c5a28"
TEXT = json.dumps({"text": "发布待审批"}, ensure_ascii=False)


def _send(tenant: httpx.Client, **body: Any) -> httpx.Response:
    payload = {"receive_id": LISI_OPEN_ID, "msg_type": "text", "content": TEXT, **body}
    return tenant.post("im/v1/messages", params={"receive_id_type": "open_id"}, json=payload)


def test_the_official_sdk_sends_a_card_to_a_user(sdk: Any, feishu_sim: FeishuControl) -> None:
    card = json.dumps(
        {"elements": [{"tag": "div", "text": {"tag": "plain_text", "content": "hi"}}]}
    )
    body = (
        CreateMessageRequestBody.builder()
        .receive_id("lisi")
        .msg_type("interactive")
        .content(card)
        .uuid("rg-msg-1")
        .build()
    )
    request = CreateMessageRequest.builder().receive_id_type("user_id").request_body(body).build()

    answer = sdk.im.v1.message.create(request)

    assert answer.code == 0, answer.msg
    assert answer.data.message_id.startswith("om_")
    (kept,) = feishu_sim.messages(kind="message")
    assert (kept["to"], kept["msg_type"], kept["content"]) == (
        "lisi",
        "interactive",
        json.loads(card),
    )


def test_a_repeated_uuid_within_an_hour_returns_the_first_message(
    tenant: httpx.Client, feishu_sim: FeishuControl
) -> None:
    first = _send(tenant, uuid="rg-1").json()["data"]["message_id"]
    again = _send(tenant, uuid="rg-1").json()["data"]["message_id"]
    feishu_sim.advance(3601)
    later = _send(tenant, uuid="rg-1").json()["data"]["message_id"]

    assert again == first
    assert later != first
    assert len(feishu_sim.messages(kind="message")) == 2


def test_a_receiver_gets_at_most_five_messages_a_second(
    feishu: FeishuSimulator, tenant: httpx.Client
) -> None:
    feishu.world.clock.freeze()
    codes = [_send(tenant).json()["code"] for _ in range(6)]

    assert codes == [0, 0, 0, 0, 0, 230020]


def test_content_must_be_a_json_string_and_the_receiver_known(tenant: httpx.Client) -> None:
    assert _send(tenant, content={"text": "hi"}).json()["code"] == 230001
    assert _send(tenant, receive_id="ou_unknown").json()["code"] == 230001
