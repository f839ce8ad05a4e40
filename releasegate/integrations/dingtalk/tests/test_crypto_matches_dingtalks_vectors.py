"""The verified vectors from docs (open-dingtalk/DingTalk-Callback-Crypto and the
connector platform's API Secret page), plus independent round trips."""

from __future__ import annotations

import base64
import json

import pytest

from releasegate.integrations.dingtalk.crypto import (
    EventCrypto,
    SignatureError,
    aes_key_problem,
    api_secret_signature,
    robot_sign,
    verify_api_secret,
    verify_basic,
)

VECTOR = EventCrypto(
    token="mryue",
    encoding_aes_key="Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    owner_key="ding6ccabc44d2c8d38b",
)
TIMESTAMP = "1608001896814"
NONCE = "WL4PK6yA"
ENCRYPT = (
    "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxx"
    "OK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3"
)
SIGNATURE = "03044561471240d4a14bb09372dfcfd4fd0e40cb"


def test_the_signature_matches_the_official_vector() -> None:
    assert VECTOR.signature(TIMESTAMP, NONCE, ENCRYPT) == SIGNATURE
    VECTOR.verify(SIGNATURE, TIMESTAMP, NONCE, ENCRYPT)


def test_the_official_ciphertext_decrypts_to_check_url() -> None:
    assert json.loads(VECTOR.decrypt(ENCRYPT)) == {"EventType": "check_url"}


def test_open_verifies_and_decrypts_a_fresh_delivery() -> None:
    event = VECTOR.open(
        signature=SIGNATURE,
        timestamp=TIMESTAMP,
        nonce=NONCE,
        encrypt=ENCRYPT,
        now_ms=int(TIMESTAMP) + 1000,
    )

    assert event == {"EventType": "check_url"}


def test_a_stale_delivery_is_refused_even_with_a_valid_signature() -> None:
    with pytest.raises(SignatureError, match="window"):
        VECTOR.open(
            signature=SIGNATURE,
            timestamp=TIMESTAMP,
            nonce=NONCE,
            encrypt=ENCRYPT,
            now_ms=int(TIMESTAMP) + 301_000,
        )


def test_a_forged_signature_is_refused() -> None:
    with pytest.raises(SignatureError, match="signature"):
        VECTOR.verify("0" * 40, TIMESTAMP, NONCE, ENCRYPT)


def test_another_apps_owner_key_is_refused() -> None:
    other = EventCrypto(VECTOR.token, VECTOR.encoding_aes_key, owner_key="dingotherapp")

    with pytest.raises(SignatureError, match="owner key"):
        other.decrypt(ENCRYPT)


def test_tampered_ciphertext_is_refused() -> None:
    sealed = bytearray(base64.b64decode(ENCRYPT))
    sealed[-1] ^= 0x55

    with pytest.raises(SignatureError):
        VECTOR.decrypt(base64.b64encode(bytes(sealed)).decode())


@pytest.mark.parametrize("garbage", ["not base64!", "", base64.b64encode(b"short").decode()])
def test_garbage_ciphertext_is_refused(garbage: str) -> None:
    with pytest.raises(SignatureError):
        VECTOR.decrypt(garbage)


def test_a_round_trip_pads_to_32_bytes_and_keeps_unicode() -> None:
    message = json.dumps({"title": "发布订单服务 v3.7.2", "type": "finish"}, ensure_ascii=False)

    encrypt = VECTOR.encrypt(message)

    assert len(base64.b64decode(encrypt)) % 32 == 0
    assert VECTOR.decrypt(encrypt) == message


def test_the_reply_is_an_encrypted_signed_success() -> None:
    reply = VECTOR.reply(timestamp_ms=1_700_000_000_000)

    assert set(reply) == {"msg_signature", "encrypt", "timeStamp", "nonce"}
    assert reply["timeStamp"] == "1700000000000"
    VECTOR.verify(reply["msg_signature"], reply["timeStamp"], reply["nonce"], reply["encrypt"])
    assert VECTOR.decrypt(reply["encrypt"]) == "success"


def test_aes_keys_must_be_43_letters_and_digits() -> None:
    assert aes_key_problem(VECTOR.encoding_aes_key) is None
    assert aes_key_problem("short") is not None
    assert aes_key_problem("+" * 43) is not None
    with pytest.raises(ValueError, match="EncodingAESKey"):
        EventCrypto("t", "short", "o")


def test_the_api_secret_signature_matches_the_connector_docs() -> None:
    assert api_secret_signature("123456789", "1670577222") == (
        "ZxG82mXCf3Z41wNXtWP159kGkeAH/GZDftu+hDbYqac="
    )


def test_api_secret_accepts_seconds_or_milliseconds_within_five_minutes() -> None:
    signature = "ZxG82mXCf3Z41wNXtWP159kGkeAH/GZDftu+hDbYqac="
    verify_api_secret("123456789", "1670577222", signature, now_ms=1670577222_000 + 299_000)
    milliseconds = "1670577222000"
    verify_api_secret(
        "123456789",
        milliseconds,
        api_secret_signature("123456789", milliseconds),
        now_ms=1670577222_000,
    )
    with pytest.raises(SignatureError, match="window"):
        verify_api_secret("123456789", "1670577222", signature, now_ms=1670577222_000 + 301_000)
    with pytest.raises(SignatureError, match="signature"):
        verify_api_secret("wrong", "1670577222", signature, now_ms=1670577222_000)
    with pytest.raises(SignatureError, match="missing"):
        verify_api_secret("123456789", None, signature)


def test_basic_auth_compares_user_and_password() -> None:
    header = "Basic " + base64.b64encode(b"dingtalk:pa55word").decode()

    verify_basic(header, "dingtalk", "pa55word")
    with pytest.raises(SignatureError):
        verify_basic(header, "dingtalk", "other")
    with pytest.raises(SignatureError):
        verify_basic("Bearer x", "dingtalk", "pa55word")
    with pytest.raises(SignatureError):
        verify_basic("Basic ***", "dingtalk", "pa55word")


def test_robot_signing_matches_the_reference_example() -> None:
    assert robot_sign("SECtest", 1_700_000_000_000) == (
        "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D"
    )


def test_signatures_in_any_alphabet_are_refused_not_crashed_on() -> None:
    with pytest.raises(SignatureError):
        VECTOR.verify("签名" * 20, TIMESTAMP, NONCE, ENCRYPT)
    with pytest.raises(SignatureError):
        verify_api_secret("123456789", "1670577222", "签名", now_ms=1670577222_000)
