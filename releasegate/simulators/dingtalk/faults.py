"""Misbehaviour on request: the next N calls that carry the app's access token answer a
QPS limit, the monthly quota error, a refused token, a 401, the gateway's 502 or 503, or
DingTalk's own system error, each in the dialect of the API called (v1.0: HTTP status +
code; oapi: HTTP 200 + errcode), or get no answer at all: the connection is reset (TCP
RST) before the call reaches DingTalk, or after DingTalk did its work (the answer is
lost, so a caller cannot tell whether it happened). The token endpoint and the group
robot's webhook are not counted; latency applies to every API call."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from releasegate.simulators.dingtalk.wire import Response, oapi_error, v1_error

Dialect = Literal["v1", "oapi"]
FaultName = Literal[
    "qps_limit",
    "quota",
    "invalid_token",
    "unauthorized",
    "server_error",
    "bad_gateway",
    "system_error",
    "connection_reset",
    "reset_after_work",
]
# Checked in this order when several are pending.
COUNTED: tuple[FaultName, ...] = (
    "connection_reset",
    "reset_after_work",
    "server_error",
    "bad_gateway",
    "system_error",
    "unauthorized",
    "invalid_token",
    "quota",
    "qps_limit",
)


class FaultSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    qps_limit: int = Field(0, ge=0)
    quota: int = Field(0, ge=0)
    invalid_token: int = Field(0, ge=0)
    unauthorized: int = Field(0, ge=0)
    server_error: int = Field(0, ge=0)
    bad_gateway: int = Field(0, ge=0)
    system_error: int = Field(0, ge=0)
    connection_reset: int = Field(0, ge=0)
    reset_after_work: int = Field(0, ge=0)
    latency_ms: int = Field(0, ge=0, le=60_000)
    # Robot 1:1 recipients DingTalk reports as flow-controlled or filtered.
    robot_flow_controlled: list[str] = []
    robot_filtered: list[str] = []


class FaultPlan:
    """Callers hold the world lock."""

    def __init__(self, spec: FaultSpec | None = None) -> None:
        self.spec = spec or FaultSpec()

    def take(self, dialect: Dialect) -> tuple[FaultName, Response] | None:
        """The fault for this call and its answer, consuming one of its count; or None."""
        for name in COUNTED:
            left = getattr(self.spec, name)
            if left:
                setattr(self.spec, name, left - 1)
                return name, _answer(name, dialect)
        return None


# The gateway in front of DingTalk's API answers these itself, as HTML, not DingTalk.
GATEWAY_PAGES: dict[FaultName, tuple[int, str]] = {
    "server_error": (503, "Service Temporarily Unavailable"),
    "bad_gateway": (502, "Bad Gateway"),
}


# The codes are those of "调用频次与限流" and the field probes in the reference; the message
# texts are ours.
def _answer(name: FaultName, dialect: Dialect) -> Response:
    if name in ("connection_reset", "reset_after_work"):
        return Response(0, reset=True)
    if name in GATEWAY_PAGES:
        status, title = GATEWAY_PAGES[name]
        page = f"<html><body><h1>{status} {title}</h1><hr><center>Tengine</center></body></html>"
        return Response(status, page.encode(), "text/html")
    if dialect == "oapi":
        errcode, errmsg = {
            # The older API's "系统繁忙" (its global error codes; HTTP 200 as ever).
            "system_error": (-1, "系统繁忙"),
            "unauthorized": (40014, "不合法的access_token"),
            "invalid_token": (40014, "不合法的access_token"),
            "quota": (90020, "企业调用接口次数已达上限"),
            "qps_limit": (90018, "当前企业所有应用调用该接口超过每秒限流阈值"),
        }[name]
        return oapi_error(errcode, errmsg, 401 if name == "unauthorized" else 200)
    status, code, message = {
        # Reference sections 2.2, 2.3 and 9.1: "500 systemError".
        "system_error": (500, "systemError", "系统错误"),
        "unauthorized": (401, "InvalidAuthentication", "不合法的access_token"),
        "invalid_token": (400, "InvalidAuthentication", "不合法的access_token"),
        "quota": (403, "Forbidden.AccessDenied.ApiCountLimitForOrg", "企业调用接口次数已达上限"),
        "qps_limit": (
            403,
            "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
            "应用调用该接口超过每秒限流阈值",
        ),
    }[name]
    return v1_error(status, code, message)
