"""`POST /feishu/events`: challenges answered, approval events stored once, and every
delivery that does not authenticate refused alike with nothing stored."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from releasegate.config import FeishuSettings
from releasegate.integrations.feishu.crypto import encrypt, signature
from releasegate.releases.models import InboundEvent

pytestmark = pytest.mark.django_db

URL = "/feishu/events"
INSTANCE = "81D31358-93AF-92D6-7425-01A5D67C4E71"


def event(uuid: str = "bc447199585340d1f3728d26b1c0297a", **changes: Any) -> dict[str, Any]:
    inner = {
        "app_id": "cli_releasegatetest01",
        "tenant_key": "xxx",
        "type": "approval_instance",
        "approval_code": "7C468A54-8745-2245-9675-08B7C63E7A85",
        "instance_code": INSTANCE,
        "status": "APPROVED",
        "operate_time": "1666079207003",
        "uuid": "6525bffb",
    }
    message = {
        "ts": "1502199207.7171419",
        "uuid": uuid,
        "token": "vtoken",
        "type": "event_callback",
    }
    message.update(changes)
    return {**message, "event": {**inner, **changes.pop("event", {})}}


def push(
    client: Client,
    message: dict[str, Any],
    *,
    key: str = "releasegate-encrypt-key",
    timestamp: str | None = None,
    sign_with: str | None = None,
    headers: bool = True,
    raw: bytes | None = None,
) -> Any:
    body = raw or json.dumps({"encrypt": encrypt(key, json.dumps(message).encode())}).encode()
    stamp = timestamp or str(int(time.time()))
    signed = {}
    if headers:
        signed = {
            "X-Lark-Request-Timestamp": stamp,
            "X-Lark-Request-Nonce": "13579",
            "X-Lark-Signature": signature(stamp, "13579", sign_with or key, body),
        }
    return client.post(URL, body, content_type="application/json", headers=signed)


def test_an_approval_event_is_stored_once_and_acknowledged(
    client: Client, feishu: FeishuSettings
) -> None:
    first = push(client, event())
    again = push(client, event())

    assert (first.status_code, again.status_code) == (200, 200)
    stored = InboundEvent.objects.get()
    assert (stored.provider, stored.event_type, stored.instance_id, stored.form_code) == (
        "feishu",
        "approval_instance",
        INSTANCE,
        feishu.approval_code,
    )
    assert stored.delivery_id == "bc447199585340d1f3728d26b1c0297a"
    assert "vtoken" not in json.dumps(stored.payload)


def test_task_events_are_stored_and_other_events_only_acknowledged(
    client: Client, feishu: FeishuSettings
) -> None:
    task = push(client, event("task-1", event={"type": "approval_task", "task_id": "7"}))
    other = push(client, event("leave-1", event={"type": "leave_approval"}))

    assert (task.status_code, other.status_code) == (200, 200)
    assert list(InboundEvent.objects.values_list("event_type", flat=True)) == ["approval_task"]


def test_the_url_check_is_answered_encrypted_or_plain(
    client: Client, configure_feishu: Callable[..., FeishuSettings]
) -> None:
    challenge = {"challenge": "ajls384kdjx98XX", "token": "vtoken", "type": "url_verification"}
    # Encrypted: answered even without signature headers, as lark-oapi does.
    sealed = push(client, challenge, headers=False)
    configure_feishu(encrypt_key="")
    plain = push(client, challenge, raw=json.dumps(challenge).encode(), headers=False)

    assert sealed.json() == plain.json() == {"challenge": "ajls384kdjx98XX"}
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize(
    "attack",
    [
        "unsigned",
        "forged_signature",
        "stale",
        "wrong_token",
        "other_key",
        "tampered",
        "not_encrypted",
        "not_json",
    ],
)
def test_what_does_not_authenticate_is_refused_alike(
    client: Client, feishu: FeishuSettings, attack: str
) -> None:
    message = event()
    if attack == "unsigned":
        answer = push(client, message, headers=False)
    elif attack == "forged_signature":
        answer = push(client, message, sign_with="guessed-key")
    elif attack == "stale":
        answer = push(client, message, timestamp=str(int(time.time()) - 3600))
    elif attack == "wrong_token":
        answer = push(client, event(token="guessed"))
    elif attack == "other_key":
        body = json.dumps({"encrypt": encrypt("another-app", json.dumps(message).encode())})
        answer = push(client, message, raw=body.encode())
    elif attack == "tampered":
        sealed = encrypt(feishu.encrypt_key, json.dumps(message).encode())
        flipped = sealed[:30] + ("A" if sealed[30] != "A" else "B") + sealed[31:]
        answer = push(client, message, raw=json.dumps({"encrypt": flipped}).encode())
    elif attack == "not_encrypted":
        answer = push(client, message, raw=json.dumps(message).encode())
    else:
        answer = push(client, message, raw=b"\x00not json")

    assert (answer.status_code, answer.json()) == (401, {"code": 401, "msg": "refused"})
    assert not InboundEvent.objects.exists()


def test_without_a_verification_token_nothing_is_taken(
    client: Client, configure_feishu: Callable[..., FeishuSettings]
) -> None:
    configure_feishu(verification_token="", encrypt_key="")
    answer = push(client, event(), raw=json.dumps(event()).encode(), headers=False)

    assert answer.status_code == 503
    assert not InboundEvent.objects.exists()
