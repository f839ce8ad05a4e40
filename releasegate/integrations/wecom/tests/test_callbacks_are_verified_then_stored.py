"""`/wecom/events`: the URL check answered with the plain echostr, approval changes stored
once by application, change and time, reminders and comments only acknowledged, and every
callback that does not authenticate refused alike with nothing stored."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from releasegate.config import WeComSettings
from releasegate.integrations.wecom.crypto import WeComCrypto
from releasegate.releases.models import InboundEvent

pytestmark = pytest.mark.django_db

URL = "/wecom/events"


def crypto(settings: WeComSettings, corp_id: str | None = None) -> WeComCrypto:
    return WeComCrypto(
        settings.callback_token, settings.callback_aes_key, corp_id or settings.corp_id
    )


def change(sp_no: str = "202612060001", event: str = "2", created: str = "1765000000") -> str:
    return (
        "<xml><ToUserName><![CDATA[wwreleasegatetest]]></ToUserName>"
        "<FromUserName><![CDATA[sys]]></FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        "<Event><![CDATA[sys_approval_change]]></Event><AgentID>1000002</AgentID>"
        f"<ApprovalInfo><SpNoStr><![CDATA[{sp_no}]]></SpNoStr><SpNo>{sp_no}</SpNo>"
        "<SpName><![CDATA[生产发布]]></SpName><SpStatus>2</SpStatus>"
        "<TemplateId><![CDATA[3TkZjxugodbqpEMk9j7X6h6zKqYkkgq3BCAQrZHK]]></TemplateId>"
        "<ApplyTime>1764990000</ApplyTime><Applyer><UserId><![CDATA[zhangsan]]></UserId>"
        "<Party><![CDATA[1]]></Party></Applyer>"
        f"<StatuChangeEvent>{event}</StatuChangeEvent></ApprovalInfo></xml>"
    )


def post(
    client: Client,
    sealer: WeComCrypto,
    xml: str,
    *,
    sign_with: WeComCrypto | None = None,
    stamp: str | None = None,
) -> Any:
    timestamp = stamp or str(int(time.time()))
    encrypt = sealer.encrypt(xml)
    signature = (sign_with or sealer).signature(timestamp, "nonce1", encrypt)
    body = (
        "<xml><ToUserName><![CDATA[wwreleasegatetest]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
    query = f"?msg_signature={signature}&timestamp={timestamp}&nonce=nonce1"
    return client.post(URL + query, body, content_type="text/xml")


def test_the_url_check_answers_the_plain_echostr(client: Client, wecom: WeComSettings) -> None:
    sealer = crypto(wecom)
    timestamp = str(int(time.time()))
    echostr = sealer.encrypt("1616140317555161061")
    signature = sealer.signature(timestamp, "263014780", echostr)

    answer = client.get(
        URL,
        {
            "msg_signature": signature,
            "timestamp": timestamp,
            "nonce": "263014780",
            "echostr": echostr,
        },
    )

    assert (answer.status_code, answer.content) == (200, b"1616140317555161061")


def test_an_approval_change_is_stored_once(client: Client, wecom: WeComSettings) -> None:
    first = post(client, crypto(wecom), change())
    again = post(client, crypto(wecom), change())
    later = post(client, crypto(wecom), change(event="8", created="1765000100"))

    assert [r.status_code for r in (first, again, later)] == [200, 200, 200]
    stored = list(InboundEvent.objects.order_by("pk"))
    assert [(e.provider, e.event_type, e.instance_id) for e in stored] == [
        ("wecom", "sys_approval_change", "202612060001"),
        ("wecom", "sys_approval_change", "202612060001"),
    ]
    assert stored[0].delivery_id.startswith("202612060001:2:1765000000:")
    assert stored[1].delivery_id.startswith("202612060001:8:1765000100:")
    assert stored[0].form_code == wecom.template_id
    assert stored[0].payload["applyer"] == "zhangsan"


@pytest.mark.parametrize("event", ["5", "10"])
def test_reminders_and_comments_are_only_acknowledged(
    client: Client, wecom: WeComSettings, event: str
) -> None:
    answer = post(client, crypto(wecom), change(event=event))

    assert answer.status_code == 200
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize("attack", ["forged", "other_corp", "stale", "not_xml", "entities"])
def test_what_does_not_authenticate_is_refused_alike(
    client: Client, wecom: WeComSettings, attack: str
) -> None:
    honest = crypto(wecom)
    if attack == "forged":
        other = WeComCrypto("guessed", wecom.callback_aes_key, wecom.corp_id)
        answer = post(client, honest, change(), sign_with=other)
    elif attack == "other_corp":
        answer = post(client, crypto(wecom, "wwanothercorp"), change())
    elif attack == "stale":
        answer = post(client, honest, change(), stamp=str(int(time.time()) - 3600))
    elif attack == "not_xml":
        answer = client.post(
            URL + "?msg_signature=x&timestamp=1&nonce=1", b"{}", content_type="application/json"
        )
    else:
        bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><xml><Encrypt>&a;&a;</Encrypt></xml>'
        answer = client.post(
            URL + "?msg_signature=x&timestamp=1&nonce=1", bomb, content_type="text/xml"
        )

    assert (answer.status_code, answer.content) == (403, b"refused")
    assert not InboundEvent.objects.exists()
