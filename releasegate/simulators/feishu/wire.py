"""Requests and responses as the simulated Feishu sees them, its clock, and the shape of
Feishu's answers: `{"code": 0, "msg": "success", "data": {…}}`, and for failures a
non-zero `code` with `error: {log_id, troubleshooter}` (observed on the open platform,
reference section A and third-party captures), the HTTP status depending on the error."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

TROUBLESHOOTER = (
    "排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?q={log_id}"
)


class Clock:
    """The simulator's time: the wall clock plus an offset the control API moves."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen: float | None = None

    def now(self) -> float:
        return (time.time() if self._frozen is None else self._frozen) + self._offset

    def freeze(self) -> None:
        """Time stands still (until advanced): a test of a rate then does not depend on
        how fast a loaded machine sends its requests."""
        self._frozen = time.time()

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> float:
        self._offset += seconds
        return self.now()


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    def first(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:
        """The JSON body; raises ValueError when it is not JSON."""
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def log_id() -> str:
    """Feishu's `X-Tt-Logid` / `error.log_id` shape: a timestamp and random hex."""
    stamp = datetime.now(tz=UTC).strftime("%Y%m%d%H%M%S")
    return f"{stamp}{secrets.token_hex(12).upper()}"


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body, headers={"X-Tt-Logid": log_id(), **(headers or {})})


def ok(data: dict[str, Any] | None = None) -> Response:
    return json_response({"code": 0, "msg": "success", "data": data or {}})


def error(status: int, code: int, msg: str, headers: dict[str, str] | None = None) -> Response:
    logged = log_id()
    body = {
        "code": code,
        "msg": msg,
        "error": {"log_id": logged, "troubleshooter": TROUBLESHOOTER.format(log_id=logged)},
    }
    return json_response(body, status, headers)


class ApiFailure(Exception):
    """An answer other than success, raised by a handler and sent as it is."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


# Approval v4's "param is invalid" (创建审批实例: 1390001; the message names the widget).
# Feishu answers parameter errors with HTTP 400 (third-party captures; UNCONFIRMED per API).
PARAM_INVALID = 1390001


def invalid(message: str, code: int = PARAM_INVALID) -> ApiFailure:
    return ApiFailure(error(400, code, message))
