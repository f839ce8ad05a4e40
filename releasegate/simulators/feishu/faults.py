"""Misbehaviour on request: the next N calls that carry a tenant token answer a frequency
limit, a refused token or a server error; latency applies to every API call. The token
endpoint and the custom bot's webhook are not counted. Expiring every token at once is a
control call of its own (`/_sim/tokens/expire`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from releasegate.simulators.feishu.ratelimits import RATE_LIMITED
from releasegate.simulators.feishu.wire import Response, error

FaultName = Literal["server_error", "invalid_token", "rate_limited"]
# Checked in this order when several are pending.
COUNTED: tuple[FaultName, ...] = ("server_error", "invalid_token", "rate_limited")
TOKEN_INVALID = 99991663
TOKEN_MISSING = 99991661
# The gateway's wording (third-party captures of open.feishu.cn answers).
TOKEN_INVALID_MSG = (
    "Invalid access token for authorization. Please make a request with token attached."
)
TOKEN_MISSING_MSG = (
    "Missing access token for authorization. Please make a request with token attached."
)


class FaultSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    server_error: int = Field(0, ge=0)
    invalid_token: int = Field(0, ge=0)
    rate_limited: int = Field(0, ge=0)
    latency_ms: int = Field(0, ge=0, le=60_000)


class FaultPlan:
    """Callers hold the world lock."""

    def __init__(self, spec: FaultSpec | None = None) -> None:
        self.spec = spec or FaultSpec()

    def take(self) -> tuple[FaultName, Response] | None:
        """The fault for this call and its answer, consuming one of its count; or None."""
        for name in COUNTED:
            left = getattr(self.spec, name)
            if left:
                setattr(self.spec, name, left - 1)
                return name, _answer(name)
        return None


def _answer(name: FaultName) -> Response:
    if name == "server_error":
        # Feishu's generic "internal error, retry later" (服务端错误码说明: 1500 internal error
        # is a business code; the gateway's own 5xx carries an HTML page like this).
        return Response(
            503, b"<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html"
        )
    if name == "invalid_token":
        return error(400, TOKEN_INVALID, TOKEN_INVALID_MSG)
    headers = {"x-ogw-ratelimit-limit": "100", "x-ogw-ratelimit-reset": "60"}
    return error(429, RATE_LIMITED, "request trigger frequency limit", headers)
