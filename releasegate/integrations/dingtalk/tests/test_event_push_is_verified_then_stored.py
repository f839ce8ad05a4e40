from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from releasegate.integrations.dingtalk.crypto import EventCrypto
from releasegate.releases.models import InboundEvent

pytestmark = pytest.mark.django_db

URL = "/dingtalk/events"


def crypto() -> EventCrypto:
    dingtalk = settings.CONFIG.dingtalk
    assert dingtalk is not None
    return EventCrypto(dingtalk.event_token, dingtalk.event_aes_key, dingtalk.app_key)


def push(
    client: Client,
    event: dict[str, Any],
    *,
    sender: EventCrypto | None = None,
    timestamp: str | None = None,
    tamper: bool = False,
) -> Any:
    sender = sender or crypto()
    timestamp = timestamp or str(int(time.time() * 1000))
    encrypt = sender.encrypt(json.dumps(event, ensure_ascii=False))
    signature = sender.signature(timestamp, "nonce123", encrypt)
    if tamper:
        sealed = bytearray(base64.b64decode(encrypt))
        sealed[5] ^= 1
        encrypt = base64.b64encode(bytes(sealed)).decode()
    query = f"?msg_signature={signature}&timestamp={timestamp}&nonce=nonce123"
    return client.post(
        URL + query, json.dumps({"encrypt": encrypt}), content_type="application/json"
    )


FINISHED = {
    "EventType": "bpms_instance_change",
    "eventId": "evt-42",
    "processInstanceId": "inst-42",
    "type": "finish",
    "result": "agree",
    "staffId": "zhangsan",
}


def test_an_approval_event_is_stored_and_answered_with_encrypted_success(client: Client) -> None:
    response = push(client, FINISHED)

    assert response.status_code == 200
    reply = response.json()
    crypto().verify(reply["msg_signature"], reply["timeStamp"], reply["nonce"], reply["encrypt"])
    assert crypto().decrypt(reply["encrypt"]) == "success"
    stored = InboundEvent.objects.get()
    assert (stored.via, stored.event_type, stored.instance_id, stored.delivery_id) == (
        "event",
        "bpms_instance_change",
        "inst-42",
        "evt-42",
    )
    assert stored.payload["result"] == "agree"
    assert stored.processed_at is None


def test_a_task_event_without_event_id_uses_the_biz_id(client: Client) -> None:
    push(client, {"EventType": "bpms_task_change", "BizId": "biz-7", "processInstanceId": "i"})

    assert InboundEvent.objects.get().delivery_id == "biz-7"


def test_check_url_is_answered_and_nothing_stored(client: Client) -> None:
    response = push(client, {"EventType": "check_url"})

    assert response.status_code == 200
    assert crypto().decrypt(response.json()["encrypt"]) == "success"
    assert InboundEvent.objects.count() == 0


def test_unknown_events_are_acknowledged_and_ignored(client: Client) -> None:
    response = push(client, {"EventType": "user_add_org", "UserId": ["x"]})

    assert response.status_code == 200
    assert InboundEvent.objects.count() == 0


@pytest.mark.parametrize(
    "attack",
    ["forged", "stale", "tampered", "other_app"],
)
def test_forged_stale_tampered_or_foreign_pushes_are_refused(
    client: Client, attack: str, caplog: pytest.LogCaptureFixture
) -> None:
    own = crypto()
    if attack == "forged":
        response = push(
            client, FINISHED, sender=EventCrypto("wrongtoken", own.encoding_aes_key, own.owner_key)
        )
    elif attack == "stale":
        response = push(client, FINISHED, timestamp=str(int(time.time() * 1000) - 600_000))
    elif attack == "tampered":
        response = push(client, FINISHED, tamper=True)
    else:
        response = push(
            client, FINISHED, sender=EventCrypto(own.token, own.encoding_aes_key, "dingotherapp")
        )

    assert response.status_code == 403
    assert "error" in response.json()
    assert InboundEvent.objects.count() == 0
    assert "refused an event push" in caplog.text


@pytest.mark.parametrize(
    ("query", "body", "named"),
    [
        ("?timestamp=1&nonce=n", '{"encrypt": "x"}', "msg_signature"),
        ("?msg_signature=a&timestamp=1&nonce=n", "{not json", "malformed body"),
        ("?msg_signature=a&timestamp=1&nonce=n", '{"encrypted": "x"}', "encrypt"),
        ("?msg_signature=a&timestamp=1&nonce=n", '{"encrypt": 5}', "encrypt"),
    ],
)
def test_malformed_requests_are_a_400_naming_what_is_wrong(
    client: Client, query: str, body: str, named: str
) -> None:
    response = client.post(URL + query, body, content_type="application/json")

    assert response.status_code == 400
    assert named in response.json()["error"]
    assert InboundEvent.objects.count() == 0


def test_only_post_is_accepted(client: Client) -> None:
    assert client.get(URL).status_code == 405


def test_without_event_push_settings_the_endpoint_says_so(client: Client, settings: Any) -> None:
    import dataclasses

    sender = crypto()
    dingtalk = dataclasses.replace(settings.CONFIG.dingtalk, event_token="", event_aes_key="")
    settings.CONFIG = dataclasses.replace(settings.CONFIG, dingtalk=dingtalk)

    response = push(client, FINISHED, sender=sender)

    assert response.status_code == 503
    assert "not configured" in response.json()["error"]
    assert InboundEvent.objects.count() == 0
