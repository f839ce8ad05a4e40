from __future__ import annotations

import time
from typing import Any

import httpx

from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.messages import bot_sign
from releasegate.simulators.feishu.server import FeishuSimulator


def _post(feishu: FeishuSimulator, **signed: Any) -> dict[str, Any]:
    body = {"msg_type": "text", "content": {"text": "发布完成"}, **signed}
    answer = httpx.post(feishu.bot_webhook, json=body)
    assert answer.status_code == 200
    found: dict[str, Any] = answer.json()
    return found


def _signed(feishu: FeishuSimulator, at: int | None = None) -> dict[str, str]:
    timestamp = str(int(time.time()) if at is None else at)
    return {"timestamp": timestamp, "sign": bot_sign(timestamp, feishu.settings.bot_secret)}


def test_a_signed_message_is_sent(feishu: FeishuSimulator, feishu_sim: FeishuControl) -> None:
    assert _post(feishu, **_signed(feishu)) == {"code": 0, "data": {}, "msg": "success"}
    (kept,) = feishu_sim.messages(kind="bot")
    assert kept["content"] == {"text": "发布完成"}


def test_a_wrong_or_stale_signature_is_19021(feishu: FeishuSimulator) -> None:
    stale = _signed(feishu, at=int(time.time()) - 3700)
    wrong = {**_signed(feishu), "sign": "bm90IGl0"}

    assert _post(feishu, **stale)["code"] == 19021
    assert _post(feishu, **wrong)["code"] == 19021
    assert _post(feishu)["code"] == 19021


def test_more_than_five_a_second_is_11232(feishu: FeishuSimulator) -> None:
    feishu.world.clock.freeze()
    codes = [_post(feishu, **_signed(feishu))["code"] for _ in range(6)]

    assert codes == [0, 0, 0, 0, 0, 11232]


def test_an_unknown_hook_is_19001(feishu: FeishuSimulator) -> None:
    answer = httpx.post(f"{feishu.url}open-apis/bot/v2/hook/nope", json={"msg_type": "text"})

    assert answer.json()["code"] == 19001
