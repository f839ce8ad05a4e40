"""DingTalk's signatures and encryption: event push, connector auth, robot signing.

Event push (open-dingtalk/DingTalk-Callback-Crypto) is the WXBizMsgCrypt scheme
(releasegate.lib.msgcrypt) with the app's AppKey as the owner key, for apps configured in
the developer console; here are its DingTalk parts (millisecond timestamps, the encrypted
"success" reply), the connector's API Secret and Basic auth, and the robot's signature.
Every check is constant-time and raises `SignatureError` naming what failed, never the
secret or the expected value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import string
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from releasegate.lib.msgcrypt import MessageCrypto, SignatureError, aes_key_problem, same

__all__ = ["EventCrypto", "SignatureError", "aes_key_problem", "check_fresh"]

# DingTalk gives no skew window for its timestamps; five minutes either way is ours.
WINDOW_SECONDS = 300


@dataclass(frozen=True)
class EventCrypto(MessageCrypto):
    """One app's event-push credentials (the owner key is the app's AppKey)."""

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
    if not same(api_secret_signature(secret, timestamp), signature):
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


def robot_sign(secret: str, timestamp_ms: int) -> str:
    """The custom group robot's `sign`, URL-encoded: base64(HMAC-SHA256(secret,
    "<timestamp>\\n<secret>"))."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return quote(base64.b64encode(digest).decode("ascii"), safe="")
