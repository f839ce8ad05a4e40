"""WeCom's callback crypto against the official samples' values (reference §E1, VERIFIED):
the URL check's echostr and a POSTed message, decrypted and re-encrypted byte for byte."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

from releasegate.integrations.wecom.crypto import SignatureError, WeComCrypto

CRYPTO = WeComCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")
ECHOSTR = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
MESSAGE = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
    "<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n"
    "<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n"
    "<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"
)


def at(timestamp: int) -> Any:
    return mock.patch("releasegate.integrations.wecom.crypto.time.time", return_value=timestamp)


def test_the_url_check_decrypts_to_the_official_plaintext() -> None:
    signature = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
    with at(1409659589):
        plain = CRYPTO.open_url_check(signature, "1409659589", "263014780", ECHOSTR)

    assert plain == "1616140317555161061"
    assert CRYPTO.encrypt(plain, random_prefix=b"c41b64491c2468d0") == ECHOSTR


def test_a_posted_message_round_trips() -> None:
    sealed = CRYPTO.encrypt(MESSAGE, random_prefix=b"0960688932c47ef1")
    body = f"<xml><ToUserName>wx5823bf96d3bd56c7</ToUserName><Encrypt>{sealed}</Encrypt></xml>"
    signature = CRYPTO.signature("1409659813", "1372623149", sealed)
    with at(1409659813):
        root = CRYPTO.open_callback(signature, "1409659813", "1372623149", body.encode())

    assert root.findtext("Content") == "hello" and root.findtext("AgentID") == "218"


@pytest.mark.parametrize(
    "body",
    [
        b"not xml",
        b"<xml><Nothing/></xml>",
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>',
    ],
)
def test_what_is_not_a_callback_is_refused(body: bytes) -> None:
    with pytest.raises(SignatureError):
        CRYPTO.open_callback("0" * 40, "1409659813", "1", body)


def test_a_stale_or_forged_check_is_refused() -> None:
    with at(1409659589 + 3600), pytest.raises(SignatureError, match="window"):
        CRYPTO.open_url_check(
            "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780", ECHOSTR
        )
    with at(1409659589), pytest.raises(SignatureError, match="signature"):
        CRYPTO.open_url_check("0" * 40, "1409659589", "263014780", ECHOSTR)
