"""WeCom's and DingTalk's message encryption (WXBizMsgCrypt): the callback scheme both
platforms share (DingTalk-Callback-Crypto and WeCom's 加解密方案 are the same design).

The signature is the lowercase hex sha1 of the sorted concatenation of token, timestamp,
nonce and ciphertext; the body is AES-256-CBC with the key from the 43-character
EncodingAESKey, IV = the key's first 16 bytes, PKCS#7 padding to a multiple of 32, over
random(16) + length(4, big-endian) + message + receive id (DingTalk: the app's AppKey;
WeCom: the corp id).

Every check uses constant-time comparison and raises `SignatureError` with a reason that
names what failed but never the secret or the expected value. The reason is for the log:
callers answer every failure the same way (see `unseal`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_BLOCK = 32
# From the developer consoles: the EncodingAESKey is 43 letters and digits.
AES_KEY = re.compile(r"^[A-Za-z0-9]{43}$")


class SignatureError(Exception):
    """A delivery failed authentication: forged, tampered, stale or for another app."""


def aes_key_problem(encoding_aes_key: str) -> str | None:
    """Why an EncodingAESKey is unusable, or None when it is fine."""
    if not AES_KEY.match(encoding_aes_key):
        return "must be 43 letters and digits (the EncodingAESKey from the developer console)"
    return None


@dataclass(frozen=True)
class MessageCrypto:
    """One app's callback credentials: the token, the EncodingAESKey and the receive id
    sealed into every message."""

    token: str
    encoding_aes_key: str
    owner_key: str

    def __post_init__(self) -> None:
        problem = aes_key_problem(self.encoding_aes_key)
        if problem:
            raise ValueError(f"EncodingAESKey {problem}")

    @property
    def _key(self) -> bytes:
        return base64.b64decode(self.encoding_aes_key + "=")

    def _cipher(self) -> Cipher[modes.CBC]:
        key = self._key
        return Cipher(algorithms.AES(key), modes.CBC(key[:16]))

    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        joined = "".join(sorted([self.token, timestamp, nonce, encrypt]))
        return hashlib.sha1(joined.encode("utf-8"), usedforsecurity=False).hexdigest()

    def verify(self, signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        expected = self.signature(timestamp, nonce, encrypt)
        if not same(expected, signature.lower()):
            raise SignatureError("signature mismatch")

    def encrypt(self, message: str, *, random_prefix: bytes | None = None) -> str:
        body = message.encode("utf-8")
        plain = (
            (random_prefix or os.urandom(16))
            + len(body).to_bytes(4, "big")
            + body
            + self.owner_key.encode("utf-8")
        )
        pad = _BLOCK - len(plain) % _BLOCK
        encryptor = self._cipher().encryptor()
        sealed = encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()
        return base64.b64encode(sealed).decode("ascii")

    def decrypt(self, encrypt: str) -> str:
        """The message inside `encrypt`; `SignatureError` if it cannot be ours.

        The padding, the declared length, the owner key and the UTF-8 are all checked,
        whichever fails, before one error is raised: the same work for every failure, so
        the time taken does not tell them apart (see `unseal`)."""
        try:
            sealed = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError):
            raise SignatureError("ciphertext is not base64") from None
        if not sealed or len(sealed) % 16:
            raise SignatureError("ciphertext length is not a multiple of the block size")
        decryptor = self._cipher().decryptor()
        message, problem = unseal(
            decryptor.update(sealed) + decryptor.finalize(), self.owner_key.encode("utf-8")
        )
        if problem:
            raise SignatureError(problem)
        return message


def same(expected: str, given: str) -> bool:
    """Constant-time comparison that also accepts any text an attacker sends
    (hmac.compare_digest refuses non-ASCII str with a TypeError)."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


def unseal(plain: bytes, owner_key: bytes) -> tuple[str, str]:
    """`(message, "")` for a decrypted body that is ours, else `("", every reason not)`.

    No check returns early and each compares in constant time: what fails (padding,
    length, owner key, UTF-8) must not show in the time taken, or the refusals become a
    padding oracle for whoever can sign a ciphertext (the event token) without the key.
    """
    pad = plain[-1]
    pad_in_range = 1 <= pad <= _BLOCK
    cut = pad if pad_in_range else _BLOCK
    pad_ok = hmac.compare_digest(plain[-cut:], bytes([pad]) * cut) & pad_in_range
    body = plain[: len(plain) - cut]
    length = int.from_bytes(body[16:20], "big")
    message, owner = body[20 : 20 + length], body[20 + length :]
    length_ok = (len(body) >= 20) & (len(message) == length)
    owner_ok = hmac.compare_digest(_digest(owner), _digest(owner_key))
    try:
        text, utf8_ok = message.decode("utf-8"), True
    except UnicodeDecodeError:
        text, utf8_ok = "", False
    checks = (
        (pad_ok, "bad padding"),
        (length_ok, "declared length does not fit the plaintext"),
        (owner_ok, "encrypted for another app (owner key mismatch)"),
        (utf8_ok, "message is not UTF-8"),
    )
    problems = [reason for ok, reason in checks if not ok]
    return ("", "; ".join(problems)) if problems else (text, "")


def _digest(data: bytes) -> bytes:
    # Fixed-length digests: hmac.compare_digest may leak how long its arguments are.
    return hashlib.sha256(data).digest()
