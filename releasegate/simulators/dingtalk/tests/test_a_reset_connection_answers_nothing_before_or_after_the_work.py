"""A connection reset on request: the next N token-carrying calls get no answer at all,
the TCP connection reset under the caller. `connection_reset` cuts it before DingTalk
does anything; `reset_after_work` after DingTalk did the work, so only the answer is
lost. The simulator goes on answering the calls after them."""

from __future__ import annotations

import httpx
import pytest

from releasegate.simulators.dingtalk.control import DingTalkControl
from releasegate.simulators.dingtalk.tests.conftest import DEMO

WORK = "topapi/message/corpconversation/asyncsend_v2"
NOTIFICATION = {
    "agent_id": DEMO.agent_id,
    "userid_list": "lisi",
    "msg": {"msgtype": "text", "text": {"content": "mall/web 已发布"}},
}


def notify(api: httpx.Client, token: str) -> httpx.Response:
    return api.post(WORK, params={"access_token": token}, json=NOTIFICATION)


@pytest.mark.parametrize(("fault", "work_done"), [("connection_reset", 0), ("reset_after_work", 1)])
def test_the_caller_gets_no_answer_and_the_work_is_done_only_after(
    api: httpx.Client, token: str, dingtalk_sim: DingTalkControl, fault: str, work_done: int
) -> None:
    dingtalk_sim.set_faults(**{fault: 1})

    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        notify(api, token)

    assert len(dingtalk_sim.messages("work_notification")) == work_done
    assert [r["fault"] for r in dingtalk_sim.requests("/" + WORK)] == [fault]


def test_the_next_call_is_answered(
    api: httpx.Client, token: str, dingtalk_sim: DingTalkControl
) -> None:
    dingtalk_sim.set_faults(connection_reset=1)
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        notify(api, token)

    answer = notify(api, token)

    assert (answer.status_code, answer.json()["errcode"]) == (200, 0)
