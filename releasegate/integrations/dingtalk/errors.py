"""What can go wrong when talking to DingTalk, each failure a type that says what happened.

All are `OutboundError`s: `permanent` tells a caller whether retrying can help. Each is
also the approval port's kind of failure (`releasegate.releases.approvals.errors`), which
is all the domain looks at. DingTalk
answers in two dialects: the v1.0 API (api.dingtalk.com) with an HTTP status and
`{"code", "message", "requestid"}`, the older API (oapi.dingtalk.com) with HTTP 200 and
`{"errcode", "errmsg"}`; `v1_error` and `oapi_error` read each.
"""

from __future__ import annotations

from typing import Any

import httpx

from releasegate.lib.http import TRANSIENT_STATUSES
from releasegate.releases.approvals import errors as port

SERVICE = "dingtalk"

# "调用频次与限流" (open.dingtalk.com/document/development/how-to-process-api-throttling-on-
# the-dingtalk-server): per app and API, and per API across all tenants. HTTP 403 on v1.0.
QPS_LIMIT_CODES = frozenset(
    {"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "Forbidden.AccessDenied.QpsLimitForApi"}
)
QPS_LIMIT_ERRCODES = frozenset({90018, 90002})
# The same page: a standard-edition organisation gets 5000 calls a month.
QUOTA_CODE = "Forbidden.AccessDenied.ApiCountLimitForOrg"
QUOTA_ERRCODE = 90020
# v1.0 answers 400 InvalidAuthentication for an expired or unknown token; some clients saw 401.
TOKEN_REJECTED_CODE = "InvalidAuthentication"
# The older API's "不合法的access_token" (40014) and "access_token超时" (42001); 88 was seen
# in third-party code. None of them is confirmed against an official list.
TOKEN_REJECTED_ERRCODES = frozenset({40014, 42001, 88})
# The older API refusing for want of a permission: 60011 "没有调用该接口的权限" (seen in
# third-party reports, capricornxl/ad-password-self-service#13) and 50004 "请求的部门id不在
# 授权范围内" (open-dingtalk/openapi-demo-java#1: outside the app's contact range).
PERMISSION_ERRCODES = frozenset({60011, 50004})
# The older API's "系统繁忙".
BUSY_ERRCODE = -1
# The last is how `processInstances/execute` names an unknown instance (reference 9.1).
NOT_FOUND_CODES = frozenset(
    {"processInstanceNotExist", "processInstanceIdError", "invalidInstanceId"}
)
# `processInstances/execute` refusing a decision (reference section 9.1): not the task's
# approver (needAuth), the task or actioner unknown, the approval no longer open. Which
# code answers which case is UNCONFIRMED; all of them mean "this decision was not taken".
TASK_REFUSED_CODES = frozenset(
    {
        "needAuth",
        "invalidInstanceExecuteActionerUserId",
        "invalidInstanceExecuteTaskId",
        "aflowProcessInstStatusException",
        "aflowProcessInstCanNotBeExecuted",
    }
)


class DingTalkError(port.ApprovalError):
    permanent_default = True

    def __init__(
        self, message: str, *, status: int | None = None, code: str | int | None = None
    ) -> None:
        self.code = code
        super().__init__(message, service=SERVICE, permanent=self.permanent_default, status=status)


class AuthenticationFailed(DingTalkError, port.CredentialsRefused):
    """The app key or app secret is wrong (`invalidClientIdOrSecret`)."""


class TokenRejected(DingTalkError, port.CredentialsRefused):
    """DingTalk refused a freshly fetched access token too; worth retrying later."""

    permanent_default = False


class PermissionDenied(DingTalkError, port.CredentialsRefused):
    """The app lacks a permission for this API (e.g. `Workflow.Instance.Read`)."""


class NotFound(DingTalkError, port.ApprovalNotFound):
    """No such approval instance (`processInstanceNotExist`)."""


class InvalidRequest(DingTalkError, port.StartRefused):
    """DingTalk rejected the request itself: a bad parameter, form value or process code."""


class TaskRefused(DingTalkError, port.ActionRefused):
    """DingTalk refused an approver's decision: not their task, or no longer open."""


class RateLimited(DingTalkError, port.RateLimited):
    """The QPS limit still held after the bounded retries; try again later."""

    permanent_default = False


class QuotaExhausted(DingTalkError, port.RateLimited):
    """The organisation's monthly API quota is used up; no retry helps before next month."""


class MessageRejected(DingTalkError):
    """A message API answered HTTP 200 with a non-zero `errcode`."""


class RobotThrottled(MessageRejected):
    """A group robot sent more than 20 messages a minute and is blocked for 10 minutes."""

    permanent_default = False


class DingTalkUnavailable(DingTalkError, port.ProviderUnavailable):
    """5xx or "system busy": DingTalk could not answer now; worth retrying."""

    permanent_default = False


class UnexpectedResponse(DingTalkError):
    """An answer DingTalk does not give for this call; ReleaseGate cannot interpret it."""


def json_body(response: httpx.Response) -> dict[str, Any] | None:
    """The response's JSON object, or None when it is not one."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def v1_error(response: httpx.Response, what: str) -> DingTalkError:
    """The typed error for a v1.0 answer that is not a success."""
    status = response.status_code
    body = json_body(response) or {}
    code = str(body.get("code") or "")
    said = f" ({code}: {body.get('message') or ''})" if code else ""
    if code in QPS_LIMIT_CODES:
        return RateLimited(f"DingTalk's QPS limit held for {what}{said}", status=status, code=code)
    if code == QUOTA_CODE:
        return QuotaExhausted(
            f"{what}: the organisation's monthly DingTalk API quota is used up{said}; "
            "calls fail until next month or an edition upgrade",
            status=status,
            code=code,
        )
    if code == "invalidClientIdOrSecret":
        return AuthenticationFailed(
            f"DingTalk refused the app key or app secret{said}", status=status, code=code
        )
    if status == 401 or code == TOKEN_REJECTED_CODE:
        return TokenRejected(f"DingTalk refused the access token for {what}{said}", status=status)
    if code in NOT_FOUND_CODES:
        return NotFound(f"{what} does not exist in DingTalk{said}", status=status, code=code)
    if code in TASK_REFUSED_CODES:
        return TaskRefused(f"DingTalk refused {what}{said}", status=status, code=code)
    if status == 403:
        return PermissionDenied(f"DingTalk denied {what}{said}", status=status, code=code)
    if status in TRANSIENT_STATUSES or status >= 500:
        return DingTalkUnavailable(f"DingTalk answered {status} for {what}{said}", status=status)
    if status == 400:
        return InvalidRequest(f"DingTalk rejected {what}{said}", status=status, code=code)
    return UnexpectedResponse(f"DingTalk answered {status} for {what}{said}", status=status)


def oapi_error(errcode: int, errmsg: str, what: str) -> DingTalkError:
    """The typed error for an older-API answer whose `errcode` is not 0."""
    said = f" (errcode {errcode}: {errmsg})"
    if errcode in QPS_LIMIT_ERRCODES:
        return RateLimited(f"DingTalk's QPS limit held for {what}{said}", code=errcode)
    if errcode == QUOTA_ERRCODE:
        return QuotaExhausted(
            f"{what}: the organisation's monthly DingTalk API quota is used up{said}; "
            "calls fail until next month or an edition upgrade",
            code=errcode,
        )
    if errcode in TOKEN_REJECTED_ERRCODES:
        return TokenRejected(f"DingTalk refused the access token for {what}{said}", code=errcode)
    if errcode == BUSY_ERRCODE:
        return DingTalkUnavailable(f"DingTalk was busy for {what}{said}", code=errcode)
    if errcode in PERMISSION_ERRCODES:
        return PermissionDenied(f"DingTalk denied {what}{said}", code=errcode)
    return MessageRejected(f"DingTalk refused {what}{said}", code=errcode)
