"""Feishu's encryption and signature against the reference's vectors (§E2), which were
cross-checked with lark-oapi's own decryptor."""

from __future__ import annotations

import json

import pytest

from releasegate.integrations.feishu.crypto import (
    RefusedDelivery,
    decrypt,
    encrypt,
    signature,
    verify_signature,
)

EVENT_KEY = "releasegate-encrypt-key"
EVENT = (
    '{"ts":"1502199207.7171419","uuid":"bc447199585340d1f3728d26b1c0297a","token":"vtoken",'
    '"type":"event_callback","event":{"app_id":"cli_xxx","tenant_key":"xxx",'
    '"type":"approval_instance","approval_code":"7C468A54-8745-2245-9675-08B7C63E7A85",'
    '"instance_code":"81D31358-93AF-92D6-7425-01A5D67C4E71","status":"APPROVED",'
    '"operate_time":"1666079207003","instance_operate_time":"1666079207003",'
    '"uuid":"6525bffb"}}'
)
EVENT_ENCRYPTED = (
    "AAECAwQFBgcICQoLDA0OD+plUBxyZFsOiJ9bWfLTd3JknVQ240XflY98NTPKbSKeD8zVLGZELpVuJUuxfnQJNMuMkZTK"
    "tJfL9v14Y7jU2ocvrDQHwy65ZgV0EEz+Ju8zPGq/KcxiynjhVQIzEdNscFhWp9jah4vRurGhW/9luaM4NPJ+NbH5Xsbd"
    "n/D5Oj/+flcL71F6vOgGL8vilT0kcDNHp3v/MjXlv4MDgJXIKWrr/EmgGA61Ewcvd2qvfXsySsKzAiXpMVwQr4sVT7kv"
    "OGxep06pHjNtUCpYPtpFNrAQTO9XTAFiHp1eINGGeIKueM2LsVYssblqBFw4hzbBVr3wUhYhDC7UyE/FgBh4iNvjjd0I"
    "yTd6u4nSwvHbenpIeqm5tnO6UgZj5CS8bKK1cvtHDE6KMlrvJdLSmxPtxC+3KFrjf2rZe67odJBDuGzdQODYVyPc0fAK"
    "FEEjCBCJl0rHyZ+zLw6mnIg/GWEcfclj/NXI4qsbj2teWh5TXIiAdD2s0HLG9oXLh+H/Aq7rUyx+sPXRLyozMcYUcZYB"
    "b6keNXFdLcYy4YRyCe/pmRzn"
)
OPTIONS = (
    '{"options":[{"id":"proj-payments","value":"@i18n@proj-payments","isDefault":false}],'
    '"i18nResources":[{"locale":"zh_cn","isDefault":true,"texts":{"@i18n@proj-payments":"支付"}}],'
    '"hasMore":false}'
)
OPTIONS_ENCRYPTED = (
    "2eibZNXfhOtTL5W8fd/et9Wza1LS/A0O+kBjoe7+7hbR0698siSt6i/gxwJB/b8rsVcZCkfSFD552yGgWE81MkgQOFVx"
    "GN7JhR5k7yU9xxh+GpyoHwcUwLpS6sFScN2MIA8UkqJgWZxzlkydoCGPL2CdOL3fZnavfOwvXT9E5MvVqyCJvdDbvs+Q"
    "Flw+uFCp6I93DTL2npC7UhFKGDFswtzm3pEeFgM7bc5vPPODZ/k1hqVjb0DM79+IZIU2NAakcVjvMs5l19yh2ShkfpAZ"
    "8eA4i4pe5unMkJN4TOd3BU4="
)


def test_feishus_own_example_decrypts() -> None:
    assert decrypt("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=") == b"hello world"


def test_an_approval_event_decrypts_and_encrypts_back() -> None:
    assert decrypt(EVENT_KEY, EVENT_ENCRYPTED).decode() == EVENT
    assert encrypt(EVENT_KEY, EVENT.encode(), iv=bytes(range(16))) == EVENT_ENCRYPTED


def test_the_event_signature_is_feishus() -> None:
    body = json.dumps({"encrypt": EVENT_ENCRYPTED}, separators=(",", ":")).encode()
    expected = "30f5b382b005483bf7b76a5c63e84b6c61998a68a6cdf23f214b16abece731a1"
    assert signature("1700000000", "13579", EVENT_KEY, body) == expected
    verify_signature("1700000000", "13579", EVENT_KEY, body, expected, now=1700000100)
    with pytest.raises(RefusedDelivery, match="window"):
        verify_signature("1700000000", "13579", EVENT_KEY, body, expected, now=1700000400)
    with pytest.raises(RefusedDelivery, match="does not match"):
        verify_signature("1700000000", "13579", EVENT_KEY, body + b" ", expected, now=1700000000)


def test_options_sealed_the_java_samples_way_decrypt_alike() -> None:
    # The Java sample prepends 16 zero bytes under a zero IV; reading the first block
    # as the IV gives the JSON exactly.
    assert decrypt("opt-key", OPTIONS_ENCRYPTED).decode() == OPTIONS


@pytest.mark.parametrize(
    "blob", ["not base64!", "AAAA", EVENT_ENCRYPTED[:-8] + "AAAAAAA=", "QUJD" * 11]
)
def test_what_does_not_decrypt_is_refused(blob: str) -> None:
    with pytest.raises(RefusedDelivery):
        decrypt(EVENT_KEY, blob)
