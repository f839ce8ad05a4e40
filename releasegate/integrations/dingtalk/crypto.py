"""DingTalk's signatures and encryption: event push, connector auth, robot signing.

Event push (open-dingtalk/DingTalk-Callback-Crypto): the signature is the lowercase hex
sha1 of the sorted concatenation of token, timestamp, nonce and ciphertext; the body is
AES-256-CBC with the key from the 43-character EncodingAESKey, IV = the key's first 16
bytes, PKCS#7 padding to a multiple of 32, over random(16) + length(4, big-endian) +
message + owner key (the app's AppKey for apps configured in the developer console).

Every check uses constant-time comparison and raises `SignatureError` with a reason that
names what failed but never the secret or the expected value. The reason is for the log:
callers answer every failure the same way (see `unseal`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import string
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from releasegate.config.dingtalk import AES_KEY

_BLOCK = 32
# DingTalk gives no skew window for its timestamps; five minutes either way is ours.
WINDOW_SECONDS = 300


class SignatureError(Exception):
    """A delivery failed authentication: forged, tampered, stale or for another app."""


def aes_key_problem(encoding_aes_key: str) -> str | None:
    """Why an EncodingAESKey is unusable, or None when it is fine."""
    if not AES_KEY.match(encoding_aes_key):
        return "must be 43 letters and digits (the EncodingAESKey from the developer console)"
    return None


@dataclass(frozen=True)
class EventCrypto:
    """One app's event-push credentials."""

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
        if not _same(expected, signature.lower()):
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

    def open(
        self,
        *,
        signature: str,
        timestamp: str,
        nonce: str,
        encrypt: str,
        now_ms: int | None = None,
    ) -> dict[str, Any]:
        """Verify, check freshness, decrypt and parse one pushed event.

        Order matters: the signature is checked before anything is decrypted, and the
        timestamp (milliseconds) must be within `WINDOW_SECONDS` of now.
        """
        self.verify(signature, timestamp, nonce, encrypt)
        check_fresh(timestamp, now_ms=now_ms)
        try:
            event = json.loads(self.decrypt(encrypt))
        except ValueError:
            raise SignatureError("decrypted message is not JSON") from None
        if not isinstance(event, dict):
            raise SignatureError("decrypted message is not a JSON object")
        return event

    def reply(self, message: str = "success", *, timestamp_ms: int | None = None) -> dict[str, str]:
        """The encrypted answer DingTalk expects (`timeStamp` with a capital S)."""
        timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
        nonce = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(16))
        encrypt = self.encrypt(message)
        return {
            "msg_signature": self.signature(timestamp, nonce, encrypt),
            "encrypt": encrypt,
            "timeStamp": timestamp,
            "nonce": nonce,
        }


def check_fresh(timestamp: str, *, now_ms: int | None = None) -> None:
    """Accept a timestamp in seconds or milliseconds within the window around now."""
    try:
        value = int(timestamp)
    except ValueError:
        raise SignatureError("timestamp is not a number") from None
    millis = value if value > 100_000_000_000 else value * 1000
    now = now_ms if now_ms is not None else int(time.time() * 1000)
    if abs(now - millis) > WINDOW_SECONDS * 1000:
        raise SignatureError("timestamp outside the allowed window (stale or replayed)")


def api_secret_signature(secret: str, timestamp: str) -> str:
    """The connector platform's API Secret signature: base64(HMAC-SHA256(secret, ts))."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_api_secret(
    secret: str, timestamp: str | None, signature: str | None, *, now_ms: int | None = None
) -> None:
    """Check `x-ddpaas-signature-timestamp` and `x-ddpaas-signature` from a connector call."""
    if not timestamp or not signature:
        raise SignatureError("missing x-ddpaas-signature-timestamp or x-ddpaas-signature")
    check_fresh(timestamp, now_ms=now_ms)
    if not _same(api_secret_signature(secret, timestamp), signature):
        raise SignatureError("signature mismatch")


def verify_basic(authorization: str | None, user: str, password: str) -> None:
    """Check an `Authorization: Basic …` header against the configured user and password."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        raise SignatureError("missing Basic authorization")
    try:
        given = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("malformed Basic authorization") from None
    if not hmac.compare_digest(given, f"{user}:{password}".encode()):
        raise SignatureError("wrong user or password")


def _same(expected: str, given: str) -> bool:
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


def robot_sign(secret: str, timestamp_ms: int) -> str:
    """The custom group robot's `sign`, URL-encoded: base64(HMAC-SHA256(secret,
    "<timestamp>\\n<secret>"))."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return quote(base64.b64encode(digest).decode("ascii"), safe="")
