from __future__ import annotations

import json

from releasegate.simulators.feishu import crypto
from releasegate.simulators.feishu.tests.conftest import DEMO, Pushing
from releasegate.simulators.feishu.tests.receiver import EventReceiver

# Reference section E2, cross-checked there with lark-oapi's AESCipher.
E2_KEY = "releasegate-encrypt-key"
E2_PLAIN = (
    '{"ts":"1502199207.7171419","uuid":"bc447199585340d1f3728d26b1c0297a","token":"vtoken",'
    '"type":"event_callback","event":{"app_id":"cli_xxx","tenant_key":"xxx",'
    '"type":"approval_instance","approval_code":"7C468A54-8745-2245-9675-08B7C63E7A85",'
    '"instance_code":"81D31358-93AF-92D6-7425-01A5D67C4E71","status":"APPROVED",'
    '"operate_time":"1666079207003","instance_operate_time":"1666079207003","uuid":"6525bffb"}}'
)
E2_ENCRYPT = (
    "AAECAwQFBgcICQoLDA0OD+plUBxyZFsOiJ9bWfLTd3JknVQ240XflY98NTPKbSKeD8zVLGZELpVuJUuxfnQJNMuMkZTK"
    "tJfL9v14Y7jU2ocvrDQHwy65ZgV0EEz+Ju8zPGq/KcxiynjhVQIzEdNscFhWp9jah4vRurGhW/9luaM4NPJ+NbH5Xsbd"
    "n/D5Oj/+flcL71F6vOgGL8vilT0kcDNHp3v/MjXlv4MDgJXIKWrr/EmgGA61Ewcvd2qvfXsySsKzAiXpMVwQr4sVT7kv"
    "OGxep06pHjNtUCpYPtpFNrAQTO9XTAFiHp1eINGGeIKueM2LsVYssblqBFw4hzbBVr3wUhYhDC7UyE/FgBh4iNvjjd0I"
    "yTd6u4nSwvHbenpIeqm5tnO6UgZj5CS8bKK1cvtHDE6KMlrvJdLSmxPtxC+3KFrjf2rZe67odJBDuGzdQODYVyPc0fAK"
    "FEEjCBCJl0rHyZ+zLw6mnIg/GWEcfclj/NXI4qsbj2teWh5TXIiAdD2s0HLG9oXLh+H/Aq7rUyx+sPXRLyozMcYUcZYB"
    "b6keNXFdLcYy4YRyCe/pmRzn"
)
E2_SIGNATURE = "30f5b382b005483bf7b76a5c63e84b6c61998a68a6cdf23f214b16abece731a1"


def test_the_seal_and_signature_match_the_reference_vectors() -> None:
    sealed = crypto.encrypt(E2_KEY, E2_PLAIN, iv=bytes(range(16)))
    body = json.dumps({"encrypt": sealed}, separators=(",", ":")).encode()

    assert sealed == E2_ENCRYPT
    assert crypto.decrypt(E2_KEY, E2_ENCRYPT) == E2_PLAIN
    assert crypto.signature("1700000000", "13579", E2_KEY, body) == E2_SIGNATURE


def test_the_official_sdk_decodes_every_push_of_an_approval(
    pushing: Pushing, receiver: EventReceiver
) -> None:
    _, control = pushing
    code = control.submit({"项目名称": "mall", "应用名称": "order-service"})
    control.approve(code, "lisi")
    control.approve(code, "wangwu")

    got = [
        (e["event"]["type"], e["event"].get("user_id", ""), e["event"]["status"])
        for e in receiver.events
    ]
    assert got == [
        ("approval_instance", "", "PENDING"),
        ("approval_task", "lisi", "PENDING"),
        ("approval_task", "wangwu", "PENDING"),
        ("approval_task", "lisi", "APPROVED"),
        ("approval_task", "wangwu", "APPROVED"),
        ("approval_instance", "", "APPROVED"),
    ]
    assert {e["token"] for e in receiver.events} == {DEMO.verification_token}
    assert len({e["uuid"] for e in receiver.events}) == 6
    assert receiver.events[0]["event"]["instance_code"] == code
    assert receiver.statuses == [200] * 6
    assert [d["state"] for d in control.events()] == ["delivered"] * 6
