"""What can go wrong when talking to Feishu, each failure a type that says what happened
and is the approval port's kind of failure.

Feishu answers `{"code", "msg", "data"}`; a refusal has a non-zero `code`, with HTTP 200
for most business refusals and 400/429/5xx for others (reference §A5). `error_for` reads
both.
"""

from __future__ import annotations

import httpx

from releasegate.lib.http import TRANSIENT_STATUSES
from releasegate.releases.approvals import errors as port

SERVICE = "feishu"

# The tenant access token is missing, invalid or expired: fetch a new one, once.
# 99991661 missing, 99991663 invalid/expired, 99991664-99991665 expired tokens,
# 99991668 "Invalid access token for authorization" (seen answering an expired token).
TOKEN_REJECTED_CODES = frozenset({99991661, 99991663, 99991664, 99991665, 99991668})
# Fetching a tenant token: 10003 invalid app_id or parameter, 10014 app secret invalid.
CREDENTIALS_CODES = frozenset({10003, 10014})
# The app lacks a scope (99991672) or the API is not enabled for it (99991679).
PERMISSION_CODES = frozenset({99991672, 99991679})
# "频控策略": 99991400 with HTTP 429; messages per receiver answer 230020.
RATE_LIMIT_CODES = frozenset({99991400, 230020})
# "retry later" / internal errors.
BUSY_CODES = frozenset({1395001, 99991401, 99991402})
# Approvals: no such instance (60001 in the approval API, 1390003 instance not found).
NOT_FOUND_CODES = frozenset({60001, 1390003})
# A create with a `uuid` already used: the instance exists (adopt it).
ALREADY_CREATED = 60012
# Subscribing a definition twice: already subscribed, which is what was wanted.
ALREADY_SUBSCRIBED = 1390007
# Deciding a task refused: not the task's approver, the task or instance not pending
# (1390001 parameter invalid covers a wrong task id). Which code answers which case is
# UNCONFIRMED; all of them mean "this decision was not taken".
TASK_REFUSED_CODES = frozenset({1390001, 1390002, 1390004, 1390009, 1390010, 60004, 60007})


class FeishuError(port.ApprovalError):
    permanent_default = True

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None) -> None:
        self.code = code
        super().__init__(message, service=SERVICE, permanent=self.permanent_default, status=status)


class CredentialsRejected(FeishuError, port.CredentialsRefused):
    """The App ID or App Secret is wrong."""


class TokenRejected(FeishuError, port.CredentialsRefused):
    """Feishu refused a freshly fetched tenant token too; worth retrying later."""

    permanent_default = False


class PermissionDenied(FeishuError, port.CredentialsRefused):
    """The app lacks a scope or an API (approval:approval, im:message, …)."""


class RateLimited(FeishuError, port.RateLimited):
    permanent_default = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        reset_seconds: float = 1.0,
    ) -> None:
        super().__init__(message, status=status, code=code)
        self.reset_seconds = reset_seconds


class Unavailable(FeishuError, port.ProviderUnavailable):
    permanent_default = False


class NotFound(FeishuError, port.ApprovalNotFound):
    pass


class StartRefused(FeishuError, port.StartRefused):
    """Feishu refused the instance as asked (1390001 names the widget)."""


class TaskRefused(FeishuError, port.ActionRefused):
    pass


class Refused(FeishuError):
    """Any other refusal, with Feishu's code and message."""


class UnexpectedResponse(FeishuError):
    """An answer we cannot read; it may be a passing fault."""

    permanent_default = False


def error_for(response: httpx.Response, code: int | None, message: str, what: str) -> FeishuError:
    """The typed error for a refusal of `what` (code None: the body had none)."""
    status = response.status_code
    said = f"{what}: Feishu answered HTTP {status}" + (f", code {code}: {message}" if code else "")
    if status == 429 or code in RATE_LIMIT_CODES:
        return RateLimited(said, status=status, code=code, reset_seconds=_reset(response))
    if code in TOKEN_REJECTED_CODES:
        return TokenRejected(said, status=status, code=code)
    if code in CREDENTIALS_CODES:
        return CredentialsRejected(said, status=status, code=code)
    if code in PERMISSION_CODES:
        return PermissionDenied(said, status=status, code=code)
    if code in NOT_FOUND_CODES:
        return NotFound(said, status=status, code=code)
    if code in BUSY_CODES or status in TRANSIENT_STATUSES:
        return Unavailable(said, status=status, code=code)
    return Refused(said, status=status, code=code)


def _reset(response: httpx.Response) -> float:
    """Seconds until the limit resets (`x-ogw-ratelimit-reset`), 1 when not said."""
    raw = response.headers.get("x-ogw-ratelimit-reset", "")
    try:
        return min(max(float(raw), 0.0), 60.0)
    except ValueError:
        return 1.0
