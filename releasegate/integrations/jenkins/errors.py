"""What can go wrong when talking to Jenkins, each failure a type that says what happened.

All are `OutboundError`s: `permanent` tells a caller whether retrying can help.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

from releasegate.lib.http import TRANSIENT_STATUSES, OutboundError

SERVICE = "jenkins"


class JenkinsError(OutboundError):
    permanent_default = True

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message, service=SERVICE, permanent=self.permanent_default, status=status)


class AuthenticationFailed(JenkinsError):
    """401: the user name or the API token (or password) is wrong."""


class PermissionDenied(JenkinsError):
    """403: authenticated, but the user lacks a permission (named when Jenkins says)."""

    def __init__(self, message: str, *, status: int = 403, required: str | None = None) -> None:
        self.required_permission = required
        super().__init__(message, status=status)


class CrumbRejected(PermissionDenied):
    """403 "No valid crumb": a password-authenticated POST without a fresh crumb."""


class NotFound(JenkinsError):
    """404: no such job, build, queue item or input step (or no permission to see it)."""


class InputNotWaiting(NotFound):
    """404 on an `input` step: already answered, not reached, or another id."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status=404)


class JobNotBuildable(JenkinsError):
    """409: the job is disabled or otherwise cannot be built now."""


class InvalidRequest(JenkinsError):
    """Jenkins rejected the request itself: a bad parameter value, an unknown parameter,
    a job that is not parameterized, an input that was already answered."""


class MethodNotAllowed(JenkinsError):
    """405: Jenkins wanted a different HTTP method."""


class TriggerRefused(JenkinsError):
    """302 to the job page: a queue decision handler refused to schedule the build."""


class JenkinsUnavailable(JenkinsError):
    """5xx or a rate limit: Jenkins could not answer now; worth retrying."""

    permanent_default = False


class UnexpectedResponse(JenkinsError):
    """An answer Jenkins does not give for this call; ReleaseGate cannot interpret it."""


class NotJenkinsRoot(UnexpectedResponse):
    """The configured address answers, but not as Jenkins' root: another server (a
    proxy's page, a servlet container outside Jenkins' context path) or a page inside
    Jenkins."""


# Uncaught IllegalArgumentExceptions surface as 500 pages with the exception's message:
# "Illegal choice for parameter X: v", "No such parameter definition: X". They are
# about the request, so retrying cannot help.
_ILLEGAL_ARGUMENT = re.compile(r"IllegalArgumentException:\s*([^\n<]+)")


class _TextBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.blocks.append(text)


_NOISE = {"error", "jenkins", "oops!", "powered by jetty://"}


def message_from_body(body: str, limit: int = 300) -> str:
    """The human message in one of Jenkins' HTML (or plain) error pages."""
    found = _ILLEGAL_ARGUMENT.search(body)
    if found:
        return found.group(1).strip()[:limit]
    parser = _TextBlocks()
    parser.feed(body)
    for block in parser.blocks:
        if block.lower() not in _NOISE:
            return block[:limit]
    return ""


def error_for(response: httpx.Response, what: str) -> JenkinsError:
    """The typed error for a response Jenkins gave instead of success.

    `what` names the object the call was about ("job shop/api", "queue item 12").
    """
    status = response.status_code
    detail = message_from_body(response.text)
    said = f" ({detail})" if detail else ""
    if status == 401:
        return AuthenticationFailed(f"Jenkins refused the credentials{said}", status=status)
    if status == 403:
        required = response.headers.get("X-Required-Permission")
        if "crumb" in detail.lower():
            return CrumbRejected(f"Jenkins rejected the CSRF crumb{said}")
        needs = f"; it needs {required}" if required else ""
        return PermissionDenied(
            f"Jenkins denied access to {what}{needs}{said}", status=status, required=required
        )
    if status == 404:
        return NotFound(f"{what} does not exist in Jenkins", status=status)
    if status == 405:
        return MethodNotAllowed(f"Jenkins refused the method for {what}{said}", status=status)
    if status == 409:
        return JobNotBuildable(f"{what} is not buildable (disabled?){said}", status=status)
    if status in (400, 422) or _ILLEGAL_ARGUMENT.search(response.text):
        return InvalidRequest(f"Jenkins rejected the request for {what}{said}", status=status)
    if status in TRANSIENT_STATUSES or status >= 500:
        return JenkinsUnavailable(f"Jenkins answered {status} for {what}{said}", status=status)
    return UnexpectedResponse(f"Jenkins answered {status} for {what}{said}", status=status)
