"""Requests and responses as the simulated Feishu sees them, its clock, and the shape of
Feishu's answers: `{"code": 0, "msg": "success", "data": {…}}`, and for failures a
non-zero `code` with `error: {log_id, troubleshooter}` (observed on the open platform,
reference section A and third-party captures), the HTTP status depending on the error."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

# Re-exported: each platform's modules take them from their own wire module.
from releasegate.simulators.wire import Clock as Clock
from releasegate.simulators.wire import Request as Request
from releasegate.simulators.wire import Response as Response

JSON = "application/json; charset=utf-8"

TROUBLESHOOTER = (
    "排查建议查看(Troubleshooting suggestions): https://open.feishu.cn/search?q={log_id}"
)


def log_id() -> str:
    """Feishu's `X-Tt-Logid` / `error.log_id` shape: a timestamp and random hex."""
    stamp = datetime.now(tz=UTC).strftime("%Y%m%d%H%M%S")
    return f"{stamp}{secrets.token_hex(12).upper()}"


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body, JSON, headers={"X-Tt-Logid": log_id(), **(headers or {})})


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
