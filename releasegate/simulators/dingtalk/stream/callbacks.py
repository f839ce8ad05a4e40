"""CALLBACK frames (reference section 9.5): a card click sent to one open connection that
subscribed to the card topic, and the client's answer waited for. DingTalk wants the
answer within 2 s ("请在 2 秒内完成业务处理并响应"); later counts as no answer (what the
client then shows is UNCONFIRMED). Callbacks are not redelivered (UNCONFIRMED too)."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from releasegate.simulators.dingtalk.stream.frames import CONTENT_TYPE, SPEC_VERSION, Answer

ANSWER_WITHIN = 2.0


@dataclass
class Waiting:
    answered: threading.Event = field(default_factory=threading.Event)
    answer: Answer | None = None


class CallbackCalls:
    """The CALLBACK frames sent and not answered yet, by message id. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, Waiting] = {}

    def frame(self, topic: str, data: dict[str, Any], now_ms: int) -> tuple[str, dict[str, Any]]:
        """A new CALLBACK frame to send, and its message id (now waited for)."""
        message_id = f"callback-{uuid.uuid4()}"
        with self._lock:
            self._waiting[message_id] = Waiting()
        frame = {
            "specVersion": SPEC_VERSION,
            "type": "CALLBACK",
            "headers": {
                "topic": topic,
                "messageId": message_id,
                "contentType": CONTENT_TYPE,
                "time": str(now_ms),
            },
            "data": json.dumps(data, ensure_ascii=False),
        }
        return message_id, frame

    def answered(self, answer: Answer) -> bool:
        """Take the client's answer; False when it is not one of a callback's."""
        with self._lock:
            waiting = self._waiting.get(answer.message_id)
        if waiting is None:
            return False
        waiting.answer = answer
        waiting.answered.set()
        return True

    def wait(self, message_id: str, timeout: float = ANSWER_WITHIN) -> Answer | None:
        """The answer, or None when none came in time."""
        with self._lock:
            waiting = self._waiting.get(message_id)
        if waiting is None:
            return None
        waiting.answered.wait(timeout)
        with self._lock:
            self._waiting.pop(message_id, None)
        return waiting.answer


def response_of(answer: Answer) -> dict[str, Any] | None:
    """The `response` object of a code-200 answer (`{"response": …}` in `data`)."""
    if answer.code != 200:
        return None
    try:
        data = json.loads(answer.data) if answer.data else None
    except ValueError:
        return None
    response = data.get("response") if isinstance(data, dict) else None
    return response if isinstance(response, dict) else None
