"""Requests and responses as the simulated DingTalk sees them, its clock, and the two error
dialects it answers in: the v1.0 API's HTTP status + `{"code","message","requestid"}` and
the older API's HTTP 200 + `{"errcode","errmsg"}`."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

# Re-exported: each platform's modules take them from their own wire module.
from releasegate.simulators.wire import Clock as Clock
from releasegate.simulators.wire import Request as Request
from releasegate.simulators.wire import Response as Response

JSON = "application/json;charset=utf-8"

# DingTalk's "same day" (the work-notification limits) is a day in China.
CHINA = timezone(timedelta(hours=8))


def minute_time(seconds: float | None) -> str | None:
    """v1.0's time format: UTC to the minute, "2022-08-31T11:52Z"."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%MZ")


def ms(seconds: float | None) -> int | None:
    return None if seconds is None else int(seconds * 1000)


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    request_id = secrets.token_hex(8).upper()
    return Response(status, body, JSON, headers={"x-acs-request-id": request_id})


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
