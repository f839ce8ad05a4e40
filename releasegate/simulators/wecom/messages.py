"""Messages (reference section B4, §5.2): the app's `message/send` and the group robot's
`webhook/send`, with their awkward parts. Every message is kept for `GET /_sim/messages`.

- `message/send`: `touser` "a|b" (or "@all"); unknown people come back in `invaliduser`
  with errcode 0, and only when nobody is valid 81013. A member gets at most 30 messages
  a minute: more are accepted and **silently dropped** (recorded as `dropped_for`). With
  `enable_duplicate_check`, the same message within `duplicate_check_interval` (default
  1800 s, ≤ 4 h) is not sent again.
- `template_card`: checked as WeCom checks it (template_cards.py); the answer carries a
  `response_code` only for a card that can be updated.
- `webhook/send?key=`: no signature, the key is the secret (93000 when unknown); 20 a
  minute per robot (45009).
"""

from __future__ import annotations

import hmac
import itertools
import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from releasegate.simulators.wecom import template_cards
from releasegate.simulators.wecom.ratelimits import RATE_LIMITED, Windows
from releasegate.simulators.wecom.settings import SimSettings
from releasegate.simulators.wecom.wire import ApiFailure, error

MessageKind = Literal["message", "robot"]
APP_MSG_TYPES = {
    "text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown",
    "miniprogram_notice", "template_card",
}  # fmt: skip
ROBOT_MSG_TYPES = {
    "text",
    "markdown",
    "markdown_v2",
    "image",
    "news",
    "file",
    "voice",
    "template_card",
}
INVALID_MSGTYPE = 40008
INVALID_AGENTID = 40056
ALL_RECEIVERS_INVALID = 81013
NO_RECEIVER = 82001
EMPTY_CONTENT = 44004
ROBOT_KEY_INVALID = 93000
DUPLICATE_INTERVAL_DEFAULT = 1800
DUPLICATE_INTERVAL_MAX = 4 * 3600


@dataclass
class Message:
    id: int
    kind: MessageKind
    at_ms: int
    to: list[str]
    msgtype: str
    content: Any
    msgid: str = ""
    # Receivers over their 30/min whom WeCom accepted the message for and never showed it.
    dropped_for: list[str] = field(default_factory=list)
    # A template card's texts longer than WeCom's doc advises (taken all the same).
    advice: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Messaging:
    """Callers hold the world lock."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.messages: list[Message] = []
        self._ids = itertools.count(1)
        self._windows = Windows()
        self._recent: dict[str, tuple[float, str]] = {}
        self._task_ids: set[str] = set()

    def send(self, body: Any, now: float) -> dict[str, Any]:
        """`POST message/send`: its answer's fields; raises ApiFailure."""
        if not isinstance(body, dict):
            raise ApiFailure(error(INVALID_MSGTYPE, "invalid message body"))
        if str(body.get("agentid")) != str(self.settings.agent_id):
            raise ApiFailure(error(INVALID_AGENTID, "invalid agentid"))
        msgtype = str(body.get("msgtype") or "")
        if msgtype not in APP_MSG_TYPES or not isinstance(body.get(msgtype), dict):
            raise ApiFailure(error(INVALID_MSGTYPE, f"invalid msgtype {msgtype!r}"))
        if msgtype == "text" and not body["text"].get("content"):
            raise ApiFailure(error(EMPTY_CONTENT, "empty content"))
        card = body[msgtype] if msgtype == "template_card" else None
        advice = template_cards.check(card, self._task_ids) if card is not None else []
        valid, invalid = self._receivers(body)
        answer = {"invaliduser": "|".join(invalid), "invalidparty": "", "invalidtag": ""}
        answer["unlicenseduser"] = ""
        check = _duplicate_key(body, msgtype, valid)
        earlier = self._recent.get(check) if check else None
        if earlier is not None and now - earlier[0] < _duplicate_interval(body):
            return {**answer, "msgid": earlier[1]}
        msgid = secrets.token_urlsafe(24)
        if check:
            self._recent[check] = (now, msgid)
        if card is not None and card.get("task_id"):
            self._task_ids.add(str(card["task_id"]))
        dropped = [
            userid
            for userid in valid
            if not self._windows.take(
                f"member:{userid}", self.settings.member_messages_per_minute, now
            )
        ]
        self._keep("message", now, valid, msgtype, body[msgtype], msgid, dropped)
        self.messages[-1].advice = advice
        if card is not None and template_cards.answers_with_response_code(card):
            answer["response_code"] = secrets.token_urlsafe(32)
        return {**answer, "msgid": msgid}

    def _receivers(self, body: dict[str, Any]) -> tuple[list[str], list[str]]:
        touser = str(body.get("touser") or "")
        if not touser and not body.get("toparty") and not body.get("totag"):
            raise ApiFailure(error(NO_RECEIVER, "touser, toparty and totag are all empty"))
        if touser == "@all":
            return [p.userid for p in self.settings.people], []
        named = [u for u in touser.split("|") if u]
        valid = [u for u in named if self.settings.person(u) is not None]
        # WeCom lowercases what it reports as invalid (发送应用消息: invaliduser).
        invalid = [u.lower() for u in named if self.settings.person(u) is None]
        if not valid:
            raise ApiFailure(error(ALL_RECEIVERS_INVALID, "all touser invalid"))
        return valid, invalid

    def _keep(
        self,
        kind: MessageKind,
        now: float,
        to: list[str],
        msgtype: str,
        content: Any,
        msgid: str = "",
        dropped: list[str] | None = None,
    ) -> None:
        message = Message(next(self._ids), kind, int(now * 1000), to, msgtype, content, msgid)
        message.dropped_for = dropped or []
        self.messages.append(message)

    # -- the group robot ------------------------------------------------------------

    def robot(self, key: str, body: Any, now: float) -> dict[str, Any]:
        """`POST webhook/send?key=`: errcode says what happened (HTTP 200 always)."""
        if not hmac.compare_digest(key, self.settings.robot_key):
            return _answer(ROBOT_KEY_INVALID, "invalid webhook url")
        if not self._windows.take(f"robot:{key}", self.settings.robot_per_minute, now):
            return _answer(RATE_LIMITED, "api freq out of limit")
        msgtype = str(body.get("msgtype") or "") if isinstance(body, dict) else ""
        if msgtype not in ROBOT_MSG_TYPES or not isinstance(body.get(msgtype), dict):
            return _answer(INVALID_MSGTYPE, f"invalid message type {msgtype!r}")
        if msgtype in ("text", "markdown") and not body[msgtype].get("content"):
            return _answer(EMPTY_CONTENT, "empty content")
        self._keep("robot", now, [], msgtype, body[msgtype])
        return {"errcode": 0, "errmsg": "ok"}


def _answer(code: int, msg: str) -> dict[str, Any]:
    return {"errcode": code, "errmsg": msg}


def _duplicate_key(body: dict[str, Any], msgtype: str, valid: list[str]) -> str:
    """What makes two messages the same for enable_duplicate_check; "" when it is off."""
    if not body.get("enable_duplicate_check"):
        return ""
    return json.dumps([sorted(valid), msgtype, body[msgtype]], sort_keys=True)


def _duplicate_interval(body: dict[str, Any]) -> int:
    interval = int(body.get("duplicate_check_interval") or DUPLICATE_INTERVAL_DEFAULT)
    return min(interval, DUPLICATE_INTERVAL_MAX)
