"""Stream mode's frames (reference section 3.4): what DingTalk's gateway sends, parsed
strictly, and the answers a client writes back on the same socket.

A server frame is `{"specVersion", "type": EVENT|CALLBACK|SYSTEM, "headers": {...},
"data": "<JSON string>"}` with string header values. An EVENT's envelope (eventType,
eventId, eventCorpId, eventBornTime) is in its headers (reference section 3.2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from releasegate.lib.validation import first_problem

CONTENT_TYPE = "application/json"
# The Go SDK's two EVENT answers: code 200 + SUCCESS, code 500 + LATER ("failed,
# redeliver"); ACK codes are 200 OK, 404 not supported, 500 error.
SUCCESS, LATER = "SUCCESS", "LATER"
NOT_SUPPORTED = 404


class MalformedFrame(ValueError):
    """The text is not a frame of the documented shape; the message names what is wrong."""


class _Headers(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    message_id: str = Field(alias="messageId", min_length=1)
    topic: str = ""
    event_type: str = Field("", alias="eventType")
    event_id: str = Field("", alias="eventId")
    event_corp_id: str = Field("", alias="eventCorpId")
    event_born_time: str = Field("", alias="eventBornTime")


class Frame(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    spec_version: str = Field("", alias="specVersion")
    type: str
    headers: _Headers
    data: str = ""

    @property
    def message_id(self) -> str:
        return self.headers.message_id

    def data_object(self) -> dict[str, Any]:
        """`data` parsed; raises MalformedFrame unless it is a JSON object."""
        try:
            parsed = json.loads(self.data)
        except ValueError:
            raise MalformedFrame("data is not JSON") from None
        if not isinstance(parsed, dict):
            raise MalformedFrame("data is not a JSON object")
        return parsed


def parse_frame(raw: str | bytes) -> Frame:
    """The frame in `raw`; raises MalformedFrame naming the field that is wrong."""
    try:
        return Frame.model_validate_json(raw)
    except ValidationError as exc:
        where, problem = first_problem(exc, "the frame")
        raise MalformedFrame(f"{where}: {problem}") from None


@dataclass(frozen=True)
class StreamEvent:
    """One EVENT frame: its envelope from the headers, its data parsed."""

    event_type: str
    event_id: str
    corp_id: str
    born_ms: int | None
    message_id: str
    data: dict[str, Any]

    @classmethod
    def from_frame(cls, frame: Frame) -> StreamEvent:
        headers = frame.headers
        born = headers.event_born_time
        return cls(
            event_type=headers.event_type,
            event_id=headers.event_id,
            corp_id=headers.event_corp_id,
            born_ms=int(born) if born.isdigit() else None,
            message_id=headers.message_id,
            data=frame.data_object(),
        )


def _answer(message_id: str, code: int, message: str, data: str) -> str:
    return json.dumps(
        {
            "code": code,
            "headers": {"messageId": message_id, "contentType": CONTENT_TYPE},
            "message": message,
            "data": data,
        },
        ensure_ascii=False,
    )


def event_ack(message_id: str, *, done: bool, message: str) -> str:
    """An EVENT's ACK: code 200 + SUCCESS when `done`, else code 500 + LATER (redeliver)."""
    status = SUCCESS if done else LATER
    payload = json.dumps({"status": status, "message": message})
    return _answer(message_id, 200 if done else 500, message, payload)


def pong(frame: Frame) -> str:
    """The answer to a SYSTEM `ping`: code 200 and the same data."""
    return _answer(frame.message_id, 200, "OK", frame.data)


def callback_answer(frame: Frame, response: dict[str, Any]) -> str:
    """A CALLBACK's answer: code 200 and `{"response": …}` (for a card: its new data)."""
    return _answer(
        frame.message_id, 200, "OK", json.dumps({"response": response}, ensure_ascii=False)
    )


def not_supported(frame: Frame) -> str:
    """For a CALLBACK topic we never subscribed to (bot messages, cards)."""
    return _answer(frame.message_id, NOT_SUPPORTED, "not supported", json.dumps({"response": None}))
