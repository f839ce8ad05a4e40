"""Attacks on the two signed ways in, each tried three times: refused with the same
status and answer every time, logged (with the reason; a connector call once a minute per
address, see `test_connector_warns_once_a_minute_per_address.py`), nothing stored; every
event push is refused with the same answer, whatever the reason. Forgeries that the
older tests cover once (a wrong token, a stale timestamp, a flipped byte) are here
repeated; the ones added here need the signing token but not the AES key: a ciphertext
tampered and signed again, cut short, padded wrongly, or sealed with another key."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from releasegate.integrations.dingtalk.crypto import EventCrypto
from releasegate.integrations.dingtalk.tests.fixtures.connector_calls import signed, url
from releasegate.integrations.dingtalk.tests.fixtures.event_pushes import own, resigned, sealed
from releasegate.releases.models import InboundEvent

pytestmark = pytest.mark.django_db


def flip(data: bytes, index: int) -> bytes:
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


def other_key() -> EventCrypto:
    return EventCrypto(own().token, "b" * 43, own().owner_key)


def other_owner() -> EventCrypto:
    return EventCrypto(own().token, own().encoding_aes_key, "dingotherappkey")


ATTACKS: dict[str, tuple[Callable[[], dict[str, str]], str]] = {
    "a forged signature": (
        lambda: {**resigned(sealed()), "msg_signature": "0" * 40},
        "signature mismatch",
    ),
    "a stale timestamp": (
        lambda: resigned(sealed(), str(int(time.time() * 1000) - 301_000)),
        "timestamp outside the allowed window (stale or replayed)",
    ),
    "a tampered last block": (
        # CBC: a bit flipped in the last-but-one block flips the same bit of the padding.
        lambda: resigned(flip(sealed(), -17)),
        "bad padding",
    ),
    "a ciphertext cut short": (
        lambda: resigned(sealed()[:-5]),
        "ciphertext length is not a multiple of the block size",
    ),
    "another AES key": (lambda: resigned(sealed(other_key())), "bad padding"),
    "another app's owner key": (
        lambda: resigned(sealed(other_owner())),
        "encrypted for another app (owner key mismatch)",
    ),
    "a ciphertext that is not base64": (
        lambda: resigned("not base64!"),
        "ciphertext is not base64",
    ),
}


def push(client: Client, attack: dict[str, str]) -> tuple[int, Any]:
    query = f"?msg_signature={attack['msg_signature']}&timestamp={attack['timestamp']}&nonce=n0nce"
    response = client.post(
        "/dingtalk/events" + query,
        json.dumps({"encrypt": attack["encrypt"]}),
        content_type="application/json",
    )
    return response.status_code, response.json()


@pytest.mark.parametrize("name", ATTACKS)
def test_each_forged_push_is_refused_the_same_way_every_time(
    client: Client, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    make, reason = ATTACKS[name]

    answers = [push(client, make()) for _ in range(3)]

    assert answers == [(403, {"error": "refused"})] * 3
    assert caplog.text.count(f"refused an event push from 127.0.0.1: {reason}") == 3
    assert not InboundEvent.objects.exists()


def test_a_push_replayed_inside_the_window_is_acknowledged_and_stored_once(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    capture = resigned(sealed())

    answers = [push(client, capture) for _ in range(3)]

    assert [status for status, _ in answers] == [200, 200, 200]
    assert all(own().decrypt(answer["encrypt"]) == "success" for _, answer in answers)
    assert InboundEvent.objects.get().delivery_id == "evt-9"
    assert caplog.text.count("event evt-9 delivered again: acknowledged, not stored") == 2


def test_a_push_replayed_after_the_window_is_refused_every_time(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    capture = resigned(sealed(), str(int(time.time() * 1000) - 600_000))

    answers = [push(client, capture) for _ in range(3)]

    stale = "timestamp outside the allowed window (stale or replayed)"
    assert answers == [(403, {"error": "refused"})] * 3
    assert caplog.text.count(f"refused an event push from 127.0.0.1: {stale}") == 3
    assert not InboundEvent.objects.exists()


CONNECTOR_FORGERIES: dict[str, tuple[Callable[[], dict[str, str]], str]] = {
    "no signature": (dict, "missing x-ddpaas-signature-timestamp or x-ddpaas-signature"),
    "a guessed secret": (lambda: signed("guessed-secret"), "signature mismatch"),
    "a replayed stale call": (
        lambda: signed(None, str(int(time.time()) - 301)),
        "timestamp outside the allowed window (stale or replayed)",
    ),
    "a signature moved to another time": (
        lambda: {**signed(), "x-ddpaas-signature-timestamp": str(int(time.time()) + 1)},
        "signature mismatch",
    ),
    "a timestamp that is no number": (
        lambda: {**signed(), "x-ddpaas-signature-timestamp": "soon"},
        "timestamp is not a number",
    ),
}


@pytest.mark.parametrize("name", CONNECTOR_FORGERIES)
def test_each_forged_connector_call_is_refused_the_same_way_every_time(
    client: Client, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    make, reason = CONNECTOR_FORGERIES[name]

    answers = [
        client.post(url("approved"), {"instance_id": "inst-9"}, "application/json", headers=make())
        for _ in range(3)
    ]

    expected = {"error": f"connector authentication failed: {reason}"}
    assert [(a.status_code, a.json()) for a in answers] == [(401, expected)] * 3
    # Logged once: the same address again inside the minute is counted, not logged.
    logged = "refused a connector call to /dingtalk/connector/approved from 127.0.0.1"
    assert caplog.text.count(logged) == 1
    assert not InboundEvent.objects.exists()
