"""Messages (reference section A4): the app's `im/v1/messages` and the custom group bot,
with their awkward parts. Every message is kept for `GET /_sim/messages`.

- `im/v1/messages?receive_id_type=…`: `content` is a JSON string; a `uuid` seen in the
  last hour returns the first message again instead of sending a second; at most 5
  messages a second per receiver (230020).
- Custom bot `bot/v2/hook/:token`: HTTP 200 even on failure; with a secret, `timestamp`
  (seconds, within an hour of the wall clock) and `sign` must match (19021); 100 a
  minute and 5 a second (11232).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any, Literal

from releasegate.simulators.feishu.ratelimits import Windows
from releasegate.simulators.feishu.settings import SimSettings
from releasegate.simulators.feishu.wire import ApiFailure, error

MessageKind = Literal["message", "bot"]
RECEIVE_ID_TYPES = ("open_id", "user_id", "union_id", "email", "chat_id")
MSG_TYPES = {
    "text",
    "post",
    "image",
    "file",
    "audio",
    "media",
    "sticker",
    "interactive",
    "share_chat",
    "share_user",
    "system",
}
UUID_WINDOW = 3600.0
PER_RECEIVER_QPS = 5
# 发送消息's error codes: 230001 invalid parameter, 230020 rate limited (reference A4;
# the HTTP status of business errors is 400, third-party captures).
INVALID_PARAM = 230001
RECEIVER_LIMITED = 230020
# The custom bot's codes (third-party captures of its answers).
BOT_TOKEN_INVALID = 19001
BOT_SIGN_FAILED = 19021
BOT_THROTTLED = 11232
BOT_TIMESTAMP_WINDOW = 3600.0


@dataclass
class Message:
    id: int
    kind: MessageKind
    at_ms: int
    to: str
    to_type: str
    msg_type: str
    content: Any
    message_id: str = ""
    uuid: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def bot_sign(timestamp: str, secret: str) -> str:
    """The custom bot's signature: the HMAC-SHA256 of nothing, keyed with
    "timestamp\\nsecret", base64 (自定义机器人使用指南, 签名校验)."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


class Messaging:
    """Callers hold the world lock."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.messages: list[Message] = []
        self._ids = itertools.count(1)
        self._windows = Windows()
        self._by_uuid: dict[str, tuple[float, dict[str, Any]]] = {}

    def send(self, receive_id_type: str | None, body: Any, now: float) -> dict[str, Any]:
        """`POST im/v1/messages`: the message's `data`; raises ApiFailure."""
        if receive_id_type not in RECEIVE_ID_TYPES:
            raise _invalid(
                "receive_id_type must be one of open_id, user_id, union_id, email, chat_id"
            )
        if not isinstance(body, dict):
            raise _invalid("the body must be a JSON object")
        receive_id, msg_type, content = (
            body.get("receive_id"),
            body.get("msg_type"),
            body.get("content"),
        )
        if not isinstance(receive_id, str) or not self._known(receive_id_type, receive_id):
            raise _invalid(f"receive_id {receive_id!r} is not a valid {receive_id_type}")
        if msg_type not in MSG_TYPES:
            raise _invalid(f"msg_type {msg_type!r} is not supported")
        parsed = _json_string(content)
        request_uuid = str(body.get("uuid") or "")
        earlier = self._by_uuid.get(request_uuid) if request_uuid else None
        if earlier is not None and now - earlier[0] < UUID_WINDOW:
            return earlier[1]
        if self._windows.take(f"receiver:{receive_id}", (None, PER_RECEIVER_QPS), now):
            raise ApiFailure(
                error(
                    400,
                    RECEIVER_LIMITED,
                    "The message sent to this receiver exceeds the rate limit",
                )
            )
        data = self._sent(receive_id_type, receive_id, str(msg_type), str(content), now)
        self._keep(
            "message",
            now,
            receive_id,
            receive_id_type,
            str(msg_type),
            parsed,
            data["message_id"],
            request_uuid,
        )
        if request_uuid:
            self._by_uuid[request_uuid] = (now, data)
        return data

    def _known(self, id_type: str, value: str) -> bool:
        if id_type == "chat_id":
            return value.startswith("oc_")
        if id_type in ("open_id", "user_id"):
            return self.settings.person_by(id_type, value) is not None
        return bool(value)

    def _sent(
        self, id_type: str, receive_id: str, msg_type: str, content: str, now: float
    ) -> dict[str, Any]:
        at = str(int(now * 1000))
        chat_id = (
            receive_id
            if id_type == "chat_id"
            else f"oc_{hashlib.md5(receive_id.encode(), usedforsecurity=False).hexdigest()}"
        )
        return {
            "message_id": f"om_{secrets.token_hex(16)}",
            "msg_type": msg_type,
            "create_time": at,
            "update_time": at,
            "deleted": False,
            "updated": False,
            "chat_id": chat_id,
            "sender": {
                "id": self.settings.app_id,
                "id_type": "app_id",
                "sender_type": "app",
                "tenant_key": self.settings.tenant_key,
            },
            "body": {"content": content},
        }

    def _keep(
        self,
        kind: MessageKind,
        now: float,
        to: str,
        to_type: str,
        msg_type: str,
        content: Any,
        message_id: str = "",
        request_uuid: str = "",
    ) -> None:
        self.messages.append(
            Message(
                next(self._ids),
                kind,
                int(now * 1000),
                to,
                to_type,
                msg_type,
                content,
                message_id,
                request_uuid,
            )
        )

    # -- the custom bot ------------------------------------------------------------------

    def bot(self, token: str, body: Any, now: float) -> dict[str, Any]:
        """`POST bot/v2/hook/:token`: always HTTP 200; `code` says what happened."""
        settings = self.settings
        if not hmac.compare_digest(token, settings.bot_token):
            return _bot(BOT_TOKEN_INVALID, "param invalid: incoming webhook access token invalid")
        if not isinstance(body, dict):
            return _bot(9499, "Bad Request")
        if settings.bot_secret and not self._signed(body):
            return _bot(
                BOT_SIGN_FAILED,
                "sign match fail or timestamp is not within one hour from current time",
            )
        if self._windows.take(f"bot:{token}", (100, 5), now):
            return _bot(
                BOT_THROTTLED, "frequency limited psm[lark.oapi.app_platform_runtime]appID[1500]"
            )
        msg_type = str(body.get("msg_type") or "")
        if not msg_type:
            return _bot(9499, "Bad Request")
        content = body.get("card") if msg_type == "interactive" else body.get("content")
        self._keep("bot", now, token, "bot", msg_type, content)
        return {"code": 0, "data": {}, "msg": "success"}

    def _signed(self, body: dict[str, Any]) -> bool:
        timestamp, sign = str(body.get("timestamp") or ""), str(body.get("sign") or "")
        try:
            # The sender's clock is checked against the wall clock, not the simulator's:
            # moving the simulator's clock must not look like skew.
            fresh = abs(time.time() - int(timestamp)) <= BOT_TIMESTAMP_WINDOW
        except ValueError:
            return False
        return fresh and hmac.compare_digest(sign, bot_sign(timestamp, self.settings.bot_secret))


def _bot(code: int, msg: str) -> dict[str, Any]:
    return {"code": code, "data": {}, "msg": msg}


def _invalid(message: str) -> ApiFailure:
    return ApiFailure(error(400, INVALID_PARAM, f"invalid param: {message}"))


def _json_string(content: Any) -> Any:
    if not isinstance(content, str):
        raise _invalid("content must be a JSON string")
    try:
        return json.loads(content)
    except ValueError:
        raise _invalid("content is not valid JSON") from None
