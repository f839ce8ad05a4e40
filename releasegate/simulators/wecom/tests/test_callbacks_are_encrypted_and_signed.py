from __future__ import annotations

from releasegate.simulators.wecom import crypto
from releasegate.simulators.wecom.tests.conftest import DEMO, VALUES, Calling
from releasegate.simulators.wecom.tests.receiver import CallbackReceiver

# Reference section E1 (VERIFIED, the official samples).
E1_TOKEN = "QDG6eK"
E1_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
E1_CORP = "wx5823bf96d3bd56c7"
E1_ECHOSTR = (
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
)
E1_MESSAGE = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3Qczc"
    "dCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd"
    "4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r"
    "+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4X"
    "XZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGH"
    "BZZIs2pDBS8R07+qN+E7Q=="
)
E1_MESSAGE_PLAIN = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
    "<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"
)


def test_the_seal_and_signatures_match_the_official_vectors() -> None:
    echo = crypto.encrypt(E1_KEY, E1_CORP, "1616140317555161061", random=b"c41b64491c2468d0")
    message = crypto.encrypt(E1_KEY, E1_CORP, E1_MESSAGE_PLAIN, random=b"0960688932c47ef1")

    assert echo == E1_ECHOSTR
    assert message == E1_MESSAGE
    assert crypto.decrypt(E1_KEY, E1_CORP, E1_MESSAGE) == E1_MESSAGE_PLAIN
    assert (
        crypto.signature(E1_TOKEN, "1409659589", "263014780", E1_ECHOSTR)
        == "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
    )
    assert (
        crypto.signature(E1_TOKEN, "1409659813", "1372623149", E1_MESSAGE)
        == "477715d11cdb4164915debcba66cb864d751f3e6"
    )


def test_wechatpy_decrypts_every_callback_of_an_approval(
    calling: Calling, receiver: CallbackReceiver
) -> None:
    _, control = calling
    sp_no = control.submit(VALUES)
    control.approve(sp_no, "lisi", "好")
    control.approve(sp_no, "wangwu")

    assert receiver.seen("ApprovalInfo/StatuChangeEvent") == ["1", "2", "2"]
    assert receiver.seen("ApprovalInfo/SpStatus") == ["1", "1", "2"]
    assert set(receiver.seen("ApprovalInfo/SpNoStr")) == {sp_no}
    assert set(receiver.seen("Event")) == {"sys_approval_change"}
    assert set(receiver.seen("FromUserName")) == {"sys"}
    last = receiver.events[-1]
    assert last.findtext("ApprovalInfo/TemplateId") == DEMO.template_id
    assert last.findtext("ApprovalInfo/Applyer/UserId") == "zhangsan"
    assert last.findtext("ApprovalInfo/SpRecord/ApproverAttr") == "2"
    assert last.findtext("ApprovalInfo/ProcessList/NodeList/ApvRel") == "1"
    speeches = [d.findtext("Speech") for d in last.iterfind("ApprovalInfo/SpRecord/Details")]
    assert speeches == ["好", ""]
    envelope = receiver.envelopes[0]
    assert envelope.findtext("ToUserName") == DEMO.corp_id
    assert envelope.findtext("AgentID") == str(DEMO.agent_id)
    assert receiver.statuses == [200] * 3
    assert [d["state"] for d in control.callbacks()] == ["delivered"] * 3


def test_revoking_reminding_and_commenting_are_called_back_too(
    calling: Calling, receiver: CallbackReceiver
) -> None:
    _, control = calling
    pending = control.submit(VALUES)
    control.remind(pending)
    control.comment(pending, "lisi", "今晚发")
    control.revoke(pending)
    approved = control.submit(VALUES)
    control.approve(approved, "lisi")
    control.approve(approved, "wangwu")
    control.revoke(approved)
    control.delete(approved)

    got = list(
        zip(
            receiver.seen("ApprovalInfo/SpNoStr"),
            receiver.seen("ApprovalInfo/StatuChangeEvent"),
            receiver.seen("ApprovalInfo/SpStatus"),
            strict=True,
        )
    )
    assert got == [
        (pending, "1", "1"),
        (pending, "5", "1"),
        (pending, "10", "1"),
        (pending, "6", "4"),
        (approved, "1", "1"),
        (approved, "2", "1"),
        (approved, "2", "2"),
        (approved, "8", "6"),
    ]
    assert receiver.events[2].findtext("ApprovalInfo/Comments/CommentContent") == "今晚发"
    assert control.application(approved)["sp_status"] == 7
