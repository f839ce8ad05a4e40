"""Requests and responses as the simulated Jenkins sees them, and the pages it answers
with: JSON, the little HTML it serves, and its three kinds of error page."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

ErrorStyle = Literal["failure", "exception", "plain", "login"]
# Jenkins 2.579 bundles Winstone 8.1047, built on Jetty 12.1.12 (jenkinsci/jenkins
# pom.xml winstone.version; war/pom.xml keeps jetty-ee9-maven-plugin "in sync with the
# Jetty release in Winstone"). Jetty names itself in `Server` and on its error pages.
JETTY_VERSION = "12.1.12"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    headers: dict[str, str]
    cookies: dict[str, str]

    def first(self, name: str) -> str | None:
        """ServletRequest.getParameter: the query string first, then the form body."""
        values = self.query.get(name) or self.form.get(name)
        return values[0] if values else None

    def origin(self) -> str:
        """`scheme://host[:port]` as the caller addressed the server (the Host header),
        which Stapler uses to make redirect locations absolute."""
        return "http://" + self.headers.get("host", "localhost")


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html;charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class JenkinsFailure(Exception):
    """A refusal Jenkins renders as an error page.

    `style` picks the page: "failure" (hudson.model.Failure, always 400), "exception"
    (an uncaught exception such as IllegalArgumentException: a 500 with its message),
    "plain" (a Jetty error page with the status given), or "login" (an anonymous caller
    refused: HudsonAuthenticationEntryPoint's 403 page pointing at the login form).
    """

    def __init__(
        self,
        status: int,
        message: str,
        style: ErrorStyle = "plain",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.style = style
        self.headers = headers or {}


def illegal_argument(message: str) -> JenkinsFailure:
    return JenkinsFailure(500, f"java.lang.IllegalArgumentException: {message}", "exception")


def servlet_exception(message: str) -> JenkinsFailure:
    return JenkinsFailure(500, f"jakarta.servlet.ServletException: {message}", "exception")


def failure(message: str) -> JenkinsFailure:
    """hudson.model.Failure: error.jelly forces status 400."""
    return JenkinsFailure(400, message, "failure")


def not_found() -> JenkinsFailure:
    return JenkinsFailure(404, "Not Found")


def login_required(reason: str, headers: dict[str, str] | None = None) -> JenkinsFailure:
    """An anonymous caller refused (AccessDeniedException): `reason` is logged by Jenkins,
    the caller sees "Authentication required"."""
    del reason
    return JenkinsFailure(403, "Authentication required", "login", headers)


def require_post(request: Request) -> None:
    """@RequirePOST: 405 with `Allow: POST`."""
    if request.method != "POST":
        raise JenkinsFailure(405, "This URL requires POST", headers={"Allow": "POST"})


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, headers={"Location": location})


def json_response(data: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(200, body, "application/json;charset=utf-8")


def html_page(title: str, content: str = "") -> Response:
    """A stand-in for one of Jenkins' HTML pages (the job page, a build's console...),
    with layout.jelly's headers (X-Jenkins and X-Jenkins-Session come from the server)."""
    body = (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)} [Jenkins]</title></head>"
        f'<body><div id="main-panel"><h1>{html.escape(title)}</h1>{content}</div></body></html>'
    )
    headers = {
        "X-Hudson": "1.395",
        "X-Hudson-Theme": "default",
        "Cache-Control": "no-cache,no-store,must-revalidate",
        "Expires": "0",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    return Response(200, body.encode(), "text/html;charset=UTF-8", headers)


def error_page(path: str, error: JenkinsFailure) -> Response:
    message = html.escape(error.message)
    headers = dict(error.headers)
    if error.style == "failure":
        # error.jelly: `X-Error: <message>` (api4jenkins reports a 400 by it); Jetty
        # writes header values in ISO-8859-1, so other characters come out as "?".
        one_line = " ".join(error.message.splitlines())
        headers["X-Error"] = one_line.encode("latin-1", "replace").decode("latin-1")
        body = (
            "<!DOCTYPE html><html><head><title>Jenkins</title></head><body>"
            f'<div id="main-panel"><h1>Error</h1><p>{message}</p></div></body></html>'
        )
    elif error.style == "exception":
        body = (
            "<!DOCTYPE html><html><head><title>Jenkins [Jenkins]</title></head><body>"
            '<div id="main-panel"><h1>Oops!</h1><p>A problem occurred while processing '
            f"the request.</p><pre>{message}</pre></div></body></html>"
        )
    elif error.style == "login":
        # HudsonAuthenticationEntryPoint: Util.printRedirect to the login form, and
        # Functions.advertiseHeaders (X-Hudson, X-Jenkins, X-Jenkins-Session).
        login = html.escape(f"/login?from={quote(path, safe='')}", quote=True)
        body = (
            f"<html><head><meta http-equiv='refresh' content='1;url={login}'/>"
            f"<script id='redirect' data-redirect-url='{login}' "
            "src='/static/5e8d2c1b/scripts/redirect.js'></script></head>"
            f"<body style='background-color:white; color:white;'>\n{message}\n<!--\n"
            "-->\n\n</body></html>"
        )
        headers.setdefault("X-Hudson", "1.395")
    else:
        body = (
            f"<html><head><title>Error {error.status} {message}</title></head><body>"
            f"<h2>HTTP ERROR {error.status} {message}</h2><table>"
            f"<tr><th>URI:</th><td>{html.escape(path)}</td></tr>"
            f"<tr><th>STATUS:</th><td>{error.status}</td></tr>"
            f"<tr><th>MESSAGE:</th><td>{message}</td></tr></table><hr/>"
            f'<a href="https://jetty.org/">Powered by Jetty:// {JETTY_VERSION}</a></body></html>'
        )
    status = 400 if error.style == "failure" else error.status
    return Response(status, body.encode(), headers=headers)
