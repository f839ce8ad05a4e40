"""Feishu's encryption and signatures (reference feishu-wecom.md §A1, §A3, vectors §E2).

Events and encrypted external-option answers share one scheme: AES-256-CBC with the key
sha256(Encrypt Key or options Key), PKCS#7, the 16-byte IV in front of the ciphertext,
all base64. An event push is signed with
`X-Lark-Signature = sha256_hex((timestamp + nonce + encrypt_key).encode() + raw_body)`
(lark-oapi's `_verify_sign`).

Written on `cryptography` rather than lark-oapi's own helper: the SDK pulls in
pycryptodome, requests and websockets for what is twenty lines here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_IV = 16
# Feishu gives no skew window for its request timestamps; five minutes either way is
# ours. Reading chosen (UNCONFIRMED in the reference): every delivery, retries included,
# is signed when it is sent, so a retry hours later still carries a fresh timestamp.
WINDOW_SECONDS = 300


class RefusedDelivery(Exception):
    """A delivery failed authentication. The reason is for the log only: every refusal is
    answered alike, so a caller learns nothing from which check failed."""


def _key(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8")).digest()


def decrypt(secret: str, encrypted: str) -> bytes:
    """The plaintext of `encrypted` (base64 of IV ‖ ciphertext) under `secret`."""
    try:
        blob = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise RefusedDelivery("the ciphertext is not base64") from None
    if len(blob) < 2 * _IV or len(blob) % _IV:
        raise RefusedDelivery("the ciphertext is not whole AES blocks")
    decryptor = Cipher(algorithms.AES(_key(secret)), modes.CBC(blob[:_IV])).decryptor()
    padded = decryptor.update(blob[_IV:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise RefusedDelivery("the plaintext's padding is wrong") from None


def encrypt(secret: str, plaintext: bytes, iv: bytes | None = None) -> str:
    """base64(IV ‖ AES-256-CBC(sha256(secret), IV, PKCS7(plaintext))), a random IV unless
    one is given (tests pin it to check the reference's vectors)."""
    iv = iv if iv is not None else os.urandom(_IV)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(_key(secret)), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(padded) + encryptor.finalize()).decode("ascii")


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode("utf-8") + body).hexdigest()


def verify_signature(
    timestamp: str,
    nonce: str,
    encrypt_key: str,
    body: bytes,
    given: str,
    *,
    now: float | None = None,
) -> None:
    """Raise `RefusedDelivery` unless `given` signs `body` and the timestamp is fresh."""
    if not (timestamp and nonce and given):
        raise RefusedDelivery("the X-Lark-Request-Timestamp, -Nonce or -Signature is missing")
    if not (timestamp.isascii() and nonce.isascii() and given.isascii()):
        raise RefusedDelivery("the signature headers are not ASCII")
    expected = signature(timestamp, nonce, encrypt_key, body)
    if not hmac.compare_digest(expected, given.lower()):
        raise RefusedDelivery("the signature does not match")
    if not timestamp.isdigit():
        raise RefusedDelivery("the timestamp is not a number")
    moment = time.time() if now is None else now
    if abs(moment - int(timestamp)) > WINDOW_SECONDS:
        raise RefusedDelivery("the timestamp is outside the 5-minute window")


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of a token that travels in a body."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
