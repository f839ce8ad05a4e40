"""What can go wrong when talking to WeCom, each failure a type that says what happened
and is the approval port's kind of failure. WeCom answers HTTP 200 with `errcode` and
`errmsg` (global error codes: developer.work.weixin.qq.com/document/path/90313)."""

from __future__ import annotations

from releasegate.lib.http import TRANSIENT_STATUSES
from releasegate.releases.approvals import errors as port

SERVICE = "wecom"

# The access token is missing (41001), invalid (40014) or expired (42001): fetch again.
TOKEN_REJECTED_CODES = frozenset({41001, 40014, 42001})
# gettoken: the corp id (40013) or the secret (40001) is wrong; the IP is not trusted
# (60020, new self-built apps must list 企业可信IP).
CREDENTIALS_CODES = frozenset({40013, 40001, 60020})
# The app may not use the approval API or the person is outside its range (301055),
# the app is disabled (301056); no permission for the API (48002); a contact call outside
# the app's visible range (60011 "no privilege to access/modify contact/party/agent").
PERMISSION_CODES = frozenset({301055, 301056, 48002, 60011})
# Too many calls (45009) or at once (45033): the block lasts the window (a minute).
RATE_LIMIT_CODES = frozenset({45009, 45033})
# System busy (-1) and internal errors (301057).
BUSY_CODES = frozenset({-1, 301057})
# No such application: getapprovaldetail's refusals of an sp_no (301014 sp_no not found,
# 301004 invalid sp_no; which one WeCom gives is UNCONFIRMED, both mean the same here).
NOT_FOUND_CODES = frozenset({301014, 301004})
# applyevent refusing the form (301025 bad parameters, naming the control).
START_REFUSED_CODES = frozenset({301025, 301002})
# message/send: no recipient is valid.
ALL_RECIPIENTS_INVALID = 81013


class WeComError(port.ApprovalError):
    permanent_default = True

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None) -> None:
        self.code = code
        super().__init__(message, service=SERVICE, permanent=self.permanent_default, status=status)


class CredentialsRejected(WeComError, port.CredentialsRefused):
    pass


class TokenRejected(WeComError, port.CredentialsRefused):
    permanent_default = False


class PermissionDenied(WeComError, port.CredentialsRefused):
    pass


class RateLimited(WeComError, port.RateLimited):
    permanent_default = False


class Unavailable(WeComError, port.ProviderUnavailable):
    permanent_default = False


class NotFound(WeComError, port.ApprovalNotFound):
    pass


class StartRefused(WeComError, port.StartRefused):
    pass


class Refused(WeComError):
    """Any other refusal, with WeCom's errcode and errmsg."""


class UnexpectedResponse(WeComError):
    permanent_default = False


def error_for(code: int | None, message: str, what: str, status: int = 200) -> WeComError:
    said = f"{what}: WeCom answered " + (
        f"errcode {code}: {message}" if code is not None else f"HTTP {status}"
    )
    if code is None:
        kind = Unavailable if status in TRANSIENT_STATUSES else UnexpectedResponse
        return kind(said, status=status)
    for codes, error in (
        (TOKEN_REJECTED_CODES, TokenRejected),
        (CREDENTIALS_CODES, CredentialsRejected),
        (PERMISSION_CODES, PermissionDenied),
        (RATE_LIMIT_CODES, RateLimited),
        (BUSY_CODES, Unavailable),
        (NOT_FOUND_CODES, NotFound),
        (START_REFUSED_CODES, StartRefused),
    ):
        if code in codes:
            return error(said, status=status, code=code)
    return Refused(said, status=status, code=code)
