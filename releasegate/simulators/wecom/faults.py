"""Misbehaviour on request: the next N calls that carry an access token answer 系统繁忙
(-1), an invalid token (40014) or a frequency limit (45009); latency applies to every
API call. `gettoken` and the group robot are not counted. Expiring every token at once
(42001) is a control call of its own (`/_sim/tokens/expire`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from releasegate.simulators.wecom.ratelimits import RATE_LIMITED
from releasegate.simulators.wecom.wire import Response, error

FaultName = Literal["server_error", "invalid_token", "rate_limited"]
# Checked in this order when several are pending.
COUNTED: tuple[FaultName, ...] = ("server_error", "invalid_token", "rate_limited")
SYSTEM_BUSY = -1
TOKEN_MISSING = 41001
TOKEN_INVALID = 40014
TOKEN_EXPIRED = 42001


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
        return error(SYSTEM_BUSY, "system busy")
    if name == "invalid_token":
        return error(TOKEN_INVALID, "invalid access_token")
    return error(RATE_LIMITED, "api freq out of limit")
