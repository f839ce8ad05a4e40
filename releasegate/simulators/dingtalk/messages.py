"""Messages (reference section 4): work notifications, robot 1:1 messages and the custom
group robot, with their awkward parts. Every message is kept for `GET /_sim/messages`.

- Work notification: `userid_list` is a comma string of at most 100; a message identical
  to one the same user got the same (China) day is accepted but not delivered, silently.
- Robot 1:1: `msgParam` is a JSON string; unknown users come back in
  `invalidStaffIdList`, and the fault plan can name flow-controlled or filtered ones.
- Group robot: HTTP 200 even on failure; `timestamp` (ms, within an hour of the wall
  clock) and `sign` must match; 20 messages a minute, then 10 minutes throttled.
"""

from __future__ import annotations

import hmac
import itertools
import json
import secrets
from collections import deque
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import unquote

from releasegate.integrations.dingtalk.crypto import robot_sign
from releasegate.simulators.dingtalk.faults import FaultSpec
from releasegate.simulators.dingtalk.settings import SimSettings
from releasegate.simulators.dingtalk.wire import (
    CHINA,
    OAPI_INVALID_PARAMETER,
    ApiFailure,
    invalid_parameter,
    oapi_error,
    oapi_invalid,
)

MessageKind = Literal["work_notification", "robot", "group_robot"]
WORK_NOTIFICATION_USERS = 100
WORK_NOTIFICATION_BYTES = 2048
ROBOT_USERS = 20
ROBOT_PER_MINUTE = 20
ROBOT_THROTTLE_SECONDS = 600
ROBOT_TIMESTAMP_WINDOW_MS = 3600 * 1000
WORK_MSG_TYPES = {"text", "image", "voice", "file", "link", "oa", "markdown", "action_card"}
GROUP_MSG_TYPES = {"text", "markdown", "link", "actionCard", "feedCard"}
# msgKey -> the msgParam keys it needs (robot_1_0 sample templates).
ROBOT_MSG_KEYS: dict[str, tuple[str, ...]] = {
    "sampleText": ("content",),
    "sampleMarkdown": ("title", "text"),
    "sampleImageMsg": ("photoURL",),
    "sampleLink": ("text", "title", "messageUrl"),
    "sampleActionCard": ("title", "text", "singleTitle", "singleURL"),
    **{f"sampleActionCard{n}": ("title", "text") for n in range(2, 7)},
    "sampleFile": ("mediaId", "fileName", "fileType"),
    "sampleAudio": ("mediaId", "duration"),
    "sampleVideo": ("duration", "videoMediaId", "videoType"),
}
# The custom robot's documented errcode (ding-doc copies) and third-party ones.
SIGN_ERRCODE = 310000
THROTTLED_ERRCODE = 410100
NO_SUCH_TOKEN_ERRCODE = 300005
# "不合法的agentid": UNCONFIRMED against an official list.
BAD_AGENT_ERRCODE = 40056


_NOT_REACHED = {
    "invalidStaffIdList": "no such user",
    "flowControlledStaffIdList": "flow-controlled",
    "filteredStaffIdList": "filtered",
}


@dataclass
class Message:
    id: int
    kind: MessageKind
    at_ms: int
    to: str
    msg: dict[str, Any]
    delivered: bool
    reason: str = ""
    reference: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Messaging:
    """Callers hold the world lock."""

    def __init__(self, settings: SimSettings) -> None:
        self.settings = settings
        self.messages: list[Message] = []
        self._task_ids = itertools.count(256_271_667_526)
        self._robot_sends: deque[float] = deque()
        self._robot_throttled_until = 0.0

    def _keep(
        self, kind: MessageKind, now: float, to: str, msg: dict[str, Any], **more: Any
    ) -> None:
        self.messages.append(
            Message(len(self.messages) + 1, kind, int(now * 1000), to, msg, **more)
        )

    # -- work notification ------------------------------------------------------------

    def work_notification(self, body: Any, now: float) -> dict[str, Any]:
        """`asyncsend_v2`; raises `ApiFailure` with the errcode answer."""
        if not isinstance(body, dict):
            raise oapi_invalid("body")
        if str(body.get("agent_id")) != str(self.settings.agent_id):
            raise ApiFailure(oapi_error(BAD_AGENT_ERRCODE, "不合法的agentid"))
        msg = _work_msg(body.get("msg"))
        task_id = str(next(self._task_ids))
        today = datetime.fromtimestamp(now, tz=CHINA).date()
        for user_id in self._recipients(body):
            reason = self._undeliverable(user_id, msg, today)
            self._keep(
                "work_notification",
                now,
                user_id,
                msg,
                delivered=not reason,
                reason=reason,
                reference=task_id,
            )
        return {"errcode": 0, "errmsg": "ok", "task_id": int(task_id), "request_id": _rid()}

    def _recipients(self, body: dict[str, Any]) -> list[str]:
        userid_list = body.get("userid_list", "")
        if not isinstance(userid_list, str):
            raise oapi_invalid("userid_list must be a comma-separated string")
        users = [user for user in userid_list.split(",") if user]
        if len(users) > WORK_NOTIFICATION_USERS:
            raise oapi_invalid(f"userid_list holds at most {WORK_NOTIFICATION_USERS} users")
        depts = str(body.get("dept_id_list") or "").split(",")
        everyone = body.get("to_all_user") is True
        for user in self.settings.users:
            if everyone or str(user.dept_id) in depts:
                users.append(user.user_id)
        if not users:
            raise oapi_invalid("no recipients: userid_list, dept_id_list or to_all_user")
        return list(dict.fromkeys(users))

    def _undeliverable(self, user_id: str, msg: dict[str, Any], today: Any) -> str:
        if self.settings.user(user_id) is None:
            return "no such user"
        for earlier in self.messages:
            if (
                earlier.kind == "work_notification"
                and earlier.to == user_id
                and earlier.delivered
                and earlier.msg == msg
                and datetime.fromtimestamp(earlier.at_ms / 1000, tz=CHINA).date() == today
            ):
                return "identical message already sent today"
        return ""

    # -- robot 1:1 --------------------------------------------------------------------

    def robot_batch(self, body: Any, now: float, faults: FaultSpec) -> dict[str, Any]:
        """`oToMessages/batchSend`; raises `ApiFailure` with the 400 answer."""
        if not isinstance(body, dict):
            raise invalid_parameter("body must be a JSON object")
        if body.get("robotCode") != self.settings.app_key:
            raise invalid_parameter("robotCode 不存在")
        users = body.get("userIds")
        if not isinstance(users, list) or not 1 <= len(users) <= ROBOT_USERS:
            raise invalid_parameter(f"userIds must list 1 to {ROBOT_USERS} users")
        msg = _robot_msg(body.get("msgKey"), body.get("msgParam"))
        key = secrets.token_hex(16)
        answer: dict[str, Any] = {
            "processQueryKey": key,
            "invalidStaffIdList": [],
            "flowControlledStaffIdList": [],
            "filteredStaffIdList": [],
        }
        for user_id in dict.fromkeys(str(user) for user in users):
            bucket = self._robot_bucket(user_id, faults)
            if bucket:
                answer[bucket].append(user_id)
            self._keep(
                "robot",
                now,
                user_id,
                msg,
                delivered=not bucket,
                reason=_NOT_REACHED.get(bucket, ""),
                reference=key,
            )
        return answer

    def _robot_bucket(self, user_id: str, faults: FaultSpec) -> str:
        if self.settings.user(user_id) is None:
            return "invalidStaffIdList"
        if user_id in faults.robot_flow_controlled:
            return "flowControlledStaffIdList"
        if user_id in faults.robot_filtered:
            return "filteredStaffIdList"
        return ""

    # -- custom group robot -----------------------------------------------------------

    def group_robot(
        self, query: dict[str, str], body: Any, now: float, wall_ms: int
    ) -> dict[str, Any]:
        """`robot/send`: always the `{"errcode","errmsg"}` answer (HTTP 200)."""
        refusal = self._group_refusal(query, body, wall_ms)
        if refusal:
            return {"errcode": refusal[0], "errmsg": refusal[1]}
        while self._robot_sends and self._robot_sends[0] <= now - 60:
            self._robot_sends.popleft()
        if now < self._robot_throttled_until or len(self._robot_sends) >= ROBOT_PER_MINUTE:
            if now >= self._robot_throttled_until:
                self._robot_throttled_until = now + ROBOT_THROTTLE_SECONDS
            return {
                "errcode": THROTTLED_ERRCODE,
                "errmsg": "send too fast, exceed 20 times per minute",
            }
        self._robot_sends.append(now)
        self._keep("group_robot", now, "group", body, delivered=True)
        return {"errcode": 0, "errmsg": "ok"}

    def _group_refusal(
        self, query: dict[str, str], body: Any, wall_ms: int
    ) -> tuple[int, str] | None:
        settings = self.settings
        if not hmac.compare_digest(query.get("access_token", ""), settings.robot_token):
            return NO_SUCH_TOKEN_ERRCODE, "token is not exist"
        if settings.robot_secret:
            timestamp = query.get("timestamp", "")
            if not timestamp.isdigit() or abs(wall_ms - int(timestamp)) > ROBOT_TIMESTAMP_WINDOW_MS:
                return SIGN_ERRCODE, "invalid timestamp"
            expected = unquote(robot_sign(settings.robot_secret, int(timestamp)))
            if not hmac.compare_digest(query.get("sign", ""), expected):
                return SIGN_ERRCODE, "sign not match"
        if not isinstance(body, dict) or body.get("msgtype") not in GROUP_MSG_TYPES:
            return (
                OAPI_INVALID_PARAMETER,
                "msgtype must be text, markdown, link, actionCard or feedCard",
            )
        text = _group_text(body)
        if not text:
            return OAPI_INVALID_PARAMETER, f"the {body['msgtype']} message has no content"
        keywords = settings.robot_keywords
        if keywords and not any(word in text for word in keywords):
            return SIGN_ERRCODE, "keywords not in content"
        return None


def _work_msg(msg: Any) -> dict[str, Any]:
    if not isinstance(msg, dict) or msg.get("msgtype") not in WORK_MSG_TYPES:
        raise oapi_invalid(f"msg.msgtype must be one of {', '.join(sorted(WORK_MSG_TYPES))}")
    content = msg.get(msg["msgtype"])
    if not isinstance(content, dict):
        raise oapi_invalid(f"msg.{msg['msgtype']} is missing")
    needed = {
        "text": ("content",),
        "markdown": ("title", "text"),
        "action_card": ("title", "markdown"),
    }
    for key in needed.get(msg["msgtype"], ()):
        if not isinstance(content.get(key), str) or not content[key]:
            raise oapi_invalid(f"msg.{msg['msgtype']}.{key} is missing")
    size = len(json.dumps(msg, ensure_ascii=False).encode())
    if size > WORK_NOTIFICATION_BYTES:
        raise oapi_invalid(f"msg is {size} bytes; at most {WORK_NOTIFICATION_BYTES}")
    return msg


def _robot_msg(msg_key: Any, msg_param: Any) -> dict[str, Any]:
    if msg_key not in ROBOT_MSG_KEYS:
        raise invalid_parameter(f"msgKey {msg_key!r} 不存在")
    if not isinstance(msg_param, str):
        raise invalid_parameter("msgParam must be a JSON string")
    try:
        param = json.loads(msg_param)
    except ValueError:
        raise invalid_parameter("msgParam is not JSON") from None
    missing = [
        key for key in ROBOT_MSG_KEYS[msg_key] if not isinstance(param, dict) or key not in param
    ]
    if missing:
        raise invalid_parameter(f"msgParam lacks {', '.join(missing)} for {msg_key}")
    return {"msgKey": msg_key, "msgParam": param}


def _group_text(body: dict[str, Any]) -> str:
    content = body.get(body["msgtype"])
    if not isinstance(content, dict):
        return ""
    if body["msgtype"] == "feedCard":
        links = content.get("links") or []
        return " ".join(str(link.get("title", "")) for link in links if isinstance(link, dict))
    return " ".join(str(content.get(key) or "") for key in ("content", "title", "text")).strip()


def _rid() -> str:
    return secrets.token_hex(8)
