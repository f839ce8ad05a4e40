"""Requests and responses as the simulated WeCom sees them, its clock, and the shape of
WeCom's answers: HTTP 200 with `{"errcode": 0, "errmsg": "ok", …}`, and for failures a
non-zero `errcode` whose `errmsg` ends with WeCom's hint, still with HTTP 200
(全局错误码; every API page's 返回结果)."""

from __future__ import annotations

import json
from typing import Any

# Re-exported: each platform's modules take them from their own wire module.
from releasegate.simulators.wire import Clock as Clock
from releasegate.simulators.wire import Request as Request
from releasegate.simulators.wire import Response as Response

JSON = "application/json; charset=UTF-8"

# errmsg carries a hint like ", hint: [1700000000_12_abc], from ip: …, more info at
# https://open.work.weixin.qq.com/devtool/query?e=40014" (observed answers).
HINT = ", more info at https://open.work.weixin.qq.com/devtool/query?e={code}"


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body, JSON, headers=dict(headers or {}))


def ok(data: dict[str, Any] | None = None) -> Response:
    return json_response({"errcode": 0, "errmsg": "ok", **(data or {})})


def error(code: int, msg: str) -> Response:
    return json_response({"errcode": code, "errmsg": msg + HINT.format(code=code)})


class ApiFailure(Exception):
    """An answer other than success, raised by a handler and sent as it is."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


# 审批开放接口参数错误 (全局错误码 301025): the approval APIs' answer to a bad parameter;
# the simulator's errmsg names the control or field at fault.
APPROVAL_PARAM_INVALID = 301025


def invalid(message: str, code: int = APPROVAL_PARAM_INVALID) -> ApiFailure:
    return ApiFailure(error(code, message))
