"""Stream-mode frames as DingTalk's gateway sends them, and how it reads a client's answers
(reference section 3.4).

Every header value is a string. An EVENT frame carries the event's envelope (type, id,
corp, birth time, unified app id) as headers and the rest of the event as a JSON string
in `data` (reference section 3.2). A client answers on the same socket with
`{"code", "headers": {"messageId"}, "message", "data"}`.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from releasegate.simulators.dingtalk.approvals.instances import Event

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
# What the HTTP push carries in its envelope; in a Stream frame these are headers.
_ENVELOPE = ("EventType", "EventTime", "CorpId", "BizId", "eventId")


def message_id() -> str:
    """An id shaped like the gateway's, "213d841d_972_1898bb26334_70a7"."""
    return (
        f"{secrets.token_hex(4)}_{secrets.randbelow(1000)}_"
        f"{secrets.token_hex(5)[:11]}_{secrets.token_hex(2)}"
    )


def unified_app_id(app_key: str) -> str:
    """A stable stand-in for the app's eventUnifiedAppId (its real value is not the key)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"dingtalk-app:{app_key}"))


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def event_frame(event: Event, message: str, app_id: str, now_ms: int) -> dict[str, Any]:
    """The EVENT frame for an event of the simulated organisation (HTTP-push shaped)."""
    data = {key: value for key, value in event.items() if key not in _ENVELOPE}
    return {
        "specVersion": SPEC_VERSION,
        "type": "EVENT",
        "headers": {
            "topic": "*",
            "messageId": message,
            "contentType": CONTENT_TYPE,
            "time": str(now_ms),
            "eventType": str(event["EventType"]),
            "eventId": str(event["eventId"]),
            "eventCorpId": str(event["CorpId"]),
            "eventBornTime": str(event["EventTime"]),
            "eventUnifiedAppId": app_id,
        },
        "data": _compact(data),
    }


def system_frame(topic: str, message: str, data: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """A SYSTEM frame: `ping` (the client echoes `data`) or `disconnect`."""
    return {
        "specVersion": SPEC_VERSION,
        "type": "SYSTEM",
        "headers": {
            "topic": topic,
            "messageId": message,
            "contentType": CONTENT_TYPE,
            "time": str(now_ms),
        },
        "data": _compact(data),
    }


@dataclass(frozen=True)
class Answer:
    """What a client sent back for one frame."""

    message_id: str
    code: int | None
    data: str

    def event_outcome(self) -> tuple[bool, str]:
        """Whether an EVENT counts as delivered, and why.

        The Go SDK answers code 200 + `{"status": "SUCCESS"}` or code 500 + LATER; the
        Python SDK answers the code its handler returned and echoes the event's data.
        Anything but code 200, or a LATER status, asks for a redelivery.
        """
        status = ""
        try:
            parsed = json.loads(self.data) if self.data else None
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            status = str(parsed.get("status") or "")
        if self.code != 200:
            return False, f"code {self.code} {status}".strip()
        if status == "LATER":
            return False, "code 200 LATER"
        return True, "SUCCESS" if status == "SUCCESS" else "code 200, data echoed"

    def echoes(self, data: str) -> bool:
        """Whether `data` came back (compared as JSON, so spacing does not matter)."""
        try:
            return bool(json.loads(self.data) == json.loads(data))
        except ValueError:
            return False


def read_answer(raw: str | bytes) -> Answer | None:
    """The client's answer, or None when the text is not one (no messageId)."""
    try:
        frame = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(frame, dict) or not isinstance(frame.get("headers"), dict):
        return None
    message = frame["headers"].get("messageId")
    if not isinstance(message, str) or not message:
        return None
    code = frame.get("code")
    data = frame.get("data")
    return Answer(
        message_id=message,
        code=code if isinstance(code, int) and not isinstance(code, bool) else None,
        data=data if isinstance(data, str) else _compact(data),
    )
