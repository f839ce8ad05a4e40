"""Whatever reaches `/dingtalk/events`, unsigned garbage or a well-signed event that is
malformed inside: an answer, never a 5xx, and only a well-formed approval event is
stored. A malformed request is a 4xx naming what is wrong; a malformed event inside a
good signature is the one refusal every failure after the signature gets (anything more
would be an oracle on the plaintext), and the log names the field."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from releasegate.integrations.dingtalk.crypto import EventCrypto
from releasegate.releases.models import InboundEvent, Release
from releasegate.tests.hostile_json import (
    assert_clean_refusal,
    encode,
    hostile_bodies,
    odd_text,
)

pytestmark = pytest.mark.django_db

URL = "/dingtalk/events"
REFUSED = (403, b'{"error": "refused"}')
TEXT = st.one_of(st.sampled_from(["inst-1", "evt-1", "PROC-RELEASEGATE-DEMO"]), odd_text())
EVENT_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "EventType": st.one_of(
        st.sampled_from(["bpms_instance_change", "bpms_task_change", "check_url"]), odd_text()
    ),
    "processInstanceId": TEXT,
    "eventId": TEXT,
    "BizId": TEXT,
    "processCode": TEXT,
    "result": TEXT,
}
ENVELOPE_FIELDS: dict[str, st.SearchStrategy[Any]] = {"encrypt": odd_text()}
QUERY = st.fixed_dictionaries(
    {},
    optional={
        "msg_signature": odd_text(),
        "timestamp": st.one_of(odd_text(), st.integers().map(str)),
        "nonce": odd_text(),
    },
)


def crypto() -> EventCrypto:
    dingtalk = settings.CONFIG.dingtalk
    assert dingtalk is not None
    return EventCrypto(dingtalk.event_token, dingtalk.event_aes_key, dingtalk.app_key)


def push_signed(client: Client, message: str) -> tuple[int, bytes]:
    """`message` encrypted and signed as DingTalk would: only its content is hostile."""
    sender, timestamp, nonce = crypto(), str(int(time.time() * 1000)), "nonce123"
    encrypt = sender.encrypt(message)
    query = urlencode(
        {"msg_signature": sender.signature(timestamp, nonce, encrypt), "timestamp": timestamp}
    )
    response = client.post(
        f"{URL}?{query}&nonce={nonce}", encode({"encrypt": encrypt}), "application/json"
    )
    return response.status_code, response.content


def counts() -> tuple[int, int]:
    return InboundEvent.objects.count(), Release.objects.count()


@given(
    query=QUERY,
    body=hostile_bodies(ENVELOPE_FIELDS),
)
def test_unsigned_garbage_is_refused_with_a_4xx_and_stores_nothing(
    client: Client, query: dict[str, str], body: bytes
) -> None:
    before = counts()
    encoded = urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in query.items()})

    response = client.post(f"{URL}?{encoded}", body, "application/json")

    assert_clean_refusal(response.status_code, response.content, field=False)
    assert counts() == before


@given(message=hostile_bodies(EVENT_FIELDS))
def test_a_well_signed_but_malformed_event_is_refused_and_stores_nothing(
    client: Client, message: bytes
) -> None:
    deliveries, releases = counts()

    status, content = push_signed(client, message.decode("utf-8", "replace"))

    if status == 200:
        assert InboundEvent.objects.count() in (deliveries, deliveries + 1)
    elif status == 413:
        # Sealed, a long hostile text can outgrow the body limit: refused before reading.
        assert InboundEvent.objects.count() == deliveries
    else:
        assert (status, content) == REFUSED
        assert InboundEvent.objects.count() == deliveries
    assert Release.objects.count() == releases


@pytest.mark.parametrize(
    ("event", "field", "problem"),
    [
        ({"processInstanceId": {"id": "inst-1"}}, "processInstanceId", "valid string"),
        ({"processInstanceId": 42}, "processInstanceId", "valid string"),
        ({"processInstanceId": "i" * 129}, "processInstanceId", "at most 128"),
        ({"processInstanceId": "inst\x00"}, "processInstanceId", "NUL"),
        ({"processInstanceId": "inst-1", "x": ["\x00"]}, "x.0", "NUL"),
        ({"processInstanceId": "inst-1", "eventId": ["e"]}, "eventId", "valid string"),
    ],
)
def test_a_signed_approval_event_with_a_wrong_field_is_named_in_the_log(
    client: Client,
    caplog: pytest.LogCaptureFixture,
    event: dict[str, Any],
    field: str,
    problem: str,
) -> None:
    message = encode({"EventType": "bpms_instance_change", **event}).decode()

    status, content = push_signed(client, message)

    assert (status, content) == REFUSED
    assert f"malformed event: {field}: " in caplog.text
    assert problem in caplog.text
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize(
    "message", ['{"EventType": "\\ud800"}', "[1, 2]", "not json", "[" * 10_000 + "]" * 10_000]
)
def test_a_signed_message_that_is_no_event_is_refused(
    client: Client, caplog: pytest.LogCaptureFixture, message: str
) -> None:
    status, content = push_signed(client, message)

    assert (status, content) == REFUSED
    assert "malformed event: event: " in caplog.text
    assert not InboundEvent.objects.exists()
