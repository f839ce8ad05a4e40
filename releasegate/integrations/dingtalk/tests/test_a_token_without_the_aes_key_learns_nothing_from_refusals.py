"""Whoever holds the event token but not the AES key can sign any ciphertext. If the
refusals that follow told a bad padding from a wrong owner key or a malformed event, they
would be a padding oracle: 256 signed variants of one block decrypt it byte by byte. Every
refusal after the signature is the same answer, byte for byte; the log keeps the reason."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.tests.fixtures.event_pushes import own, resigned, sealed
from releasegate.releases.models import InboundEvent

pytestmark = pytest.mark.django_db


def post(client: Client, attack: dict[str, str]) -> tuple[int, bytes]:
    query = f"?msg_signature={attack['msg_signature']}&timestamp={attack['timestamp']}&nonce=n0nce"
    body = json.dumps({"encrypt": attack["encrypt"]})
    response = client.post("/dingtalk/events" + query, body, content_type="application/json")
    return response.status_code, response.content


def with_byte(data: bytes, index: int, value: int) -> bytes:
    changed = bytearray(data)
    changed[index] = value
    return bytes(changed)


def test_every_value_of_the_last_blocks_iv_byte_gets_one_answer(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # CBC: byte -17 is XORed into the last plaintext byte, the padding length.
    original = sealed()
    variants = [with_byte(original, -17, value) for value in range(256)]

    answers = [post(client, resigned(variant)) for variant in variants]

    refusals = {a for a, variant in zip(answers, variants, strict=True) if variant != original}
    assert len(refusals) == 1, refusals
    assert next(iter(refusals))[0] == 403
    assert answers[original[-17]][0] == 200
    # The variants did fail in different ways; only the log says which.
    assert "bad padding" in caplog.text
    assert "owner key" in caplog.text


def test_a_tampered_first_block_that_garbles_the_event_gets_the_same_answer(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # Block 0 only scrambles the random prefix and flips bytes 0-11 of the message (its
    # opening `{"EventType"`): padding, length and owner key still hold, the JSON does not.
    original = sealed()
    padding_refusal = post(client, resigned(with_byte(original, -17, original[-17] ^ 0x55)))
    garbled = [with_byte(original, index, original[index] ^ 0x20) for index in (4, 5)]

    answers = [post(client, resigned(variant)) for variant in garbled]

    assert answers == [padding_refusal] * 2
    assert not InboundEvent.objects.exists()
    assert "malformed event" in caplog.text


def test_the_refusal_names_no_reason(client: Client) -> None:
    status, content = post(client, resigned(base64.b64decode(own().encrypt("{}"))[:-16]))

    assert status == 403
    assert content == b'{"error": "refused"}'
