"""Requests and responses as the simulated DingTalk sees them, its clock, and the two error
dialects it answers in: the v1.0 API's HTTP status + `{"code","message","requestid"}` and
the older API's HTTP 200 + `{"errcode","errmsg"}`."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

# DingTalk's "same day" (the work-notification limits) is a day in China.
CHINA = timezone(timedelta(hours=8))


class Clock:
    """The simulator's time: the wall clock plus an offset the control API moves."""

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        return time.time() + self._offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> float:
        self._offset += seconds
        return self.now()


def minute_time(seconds: float | None) -> str | None:
    """v1.0's time format: UTC to the minute, "2022-08-31T11:52Z"."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%MZ")


def ms(seconds: float | None) -> int | None:
    return None if seconds is None else int(seconds * 1000)


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
    content_type: str = "application/json;charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    request_id = secrets.token_hex(8).upper()
    return Response(status, body, headers={"x-acs-request-id": request_id})


def v1_error(status: int, code: str, message: str) -> Response:
    return json_response(
        {"code": code, "message": message, "requestid": secrets.token_hex(8).upper()}, status
    )


def oapi_error(errcode: int, errmsg: str, status: int = 200) -> Response:
    return json_response(
        {"errcode": errcode, "errmsg": errmsg, "request_id": secrets.token_hex(8)}, status
    )


class ApiFailure(Exception):
    """An answer other than success, raised by a handler and sent as it is."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def invalid_parameter(message: str) -> ApiFailure:
    return ApiFailure(v1_error(400, "invalidParameter", message))


# The older API's generic "不合法的参数" (UNCONFIRMED: no official list was read).
OAPI_INVALID_PARAMETER = 40035


def oapi_invalid(message: str) -> ApiFailure:
    return ApiFailure(oapi_error(OAPI_INVALID_PARAMETER, f"不合法的参数: {message}"))
