"""The simulated Jenkins' HTTP API: routing, authentication, crumbs and every endpoint.

Transport-free: `JenkinsApp.handle(request)` turns a parsed request into a response, so
the server (server.py) only adds sockets and faults.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from releasegate.simulators.jenkins.export import Exporter, console_bytes, input_id, item_path
from releasegate.simulators.jenkins.scenario import ParameterSpec, UserSpec
from releasegate.simulators.jenkins.state import (
    JenkinsFailure,
    Parameters,
    SimBuild,
    SimFolder,
    SimJob,
    SimValue,
    World,
    illegal_argument,
)
from releasegate.simulators.jenkins.tree import TreeSyntaxError, parse_tree, prune_depth, prune_tree

PERMISSIONS = {
    "read": "hudson.model.Hudson.Read",
    "build": "hudson.model.Item.Build",
    "cancel": "hudson.model.Item.Cancel",
}
PERMISSION_TITLES = {"read": "Overall/Read", "build": "Job/Build", "cancel": "Job/Cancel"}
GROUP_HEADER_NOTE = (
    "JENKINS-39402: use -Dhudson.security.AccessDeniedException2.REPORT_GROUP_HEADERS=true "
    "or use /whoAmI to diagnose"
)
CRUMB_FIELD = "Jenkins-Crumb"
SESSION_COOKIE = "JSESSIONID.5e8d2c1b"
# Query names buildWithParameters reserves for itself (ParameterizedJobMixIn).
RESERVED_QUERY = {"delay", "token", "cause"}
PERMALINKS: dict[str, Callable[[SimBuild], bool]] = {
    "lastBuild": lambda b: True,
    "lastCompletedBuild": lambda b: not b.building,
    "lastSuccessfulBuild": lambda b: b.result in ("SUCCESS", "UNSTABLE"),
    "lastFailedBuild": lambda b: b.result == "FAILURE",
    "lastStableBuild": lambda b: b.result == "SUCCESS",
    "lastUnstableBuild": lambda b: b.result == "UNSTABLE",
    "lastUnsuccessfulBuild": lambda b: not b.building and b.result != "SUCCESS",
}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    headers: dict[str, str]
    cookies: dict[str, str]

    def first(self, name: str, source: Literal["query", "form"] = "query") -> str | None:
        values = (self.query if source == "query" else self.form).get(name)
        return values[0] if values else None


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html;charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Caller:
    user: UserSpec | None
    # How the caller proved who it is; API tokens are exempt from CSRF crumbs.
    via: Literal["token", "password", "session", "anonymous"]
    session: str | None = None

    @property
    def name(self) -> str:
        return self.user.name if self.user else "anonymous"

    def may(self, permission: str) -> bool:
        return self.user is not None and (
            "admin" in self.user.permissions or permission in self.user.permissions
        )


class JenkinsApp:
    def __init__(self, world: World, root_url: str) -> None:
        self.world = world
        self.export = Exporter(world, root_url)
        self.root_url = self.export.root
        self._salt = secrets.token_hex(16)
        self.sessions: dict[str, str] = {}

    # -- entry --------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            caller = self._authenticate(request)
            if request.method == "POST":
                self._check_crumb(request, caller)
            self._need(caller, "read")
            with self.world.lock:
                self.world.advance()
                return self._route(request, caller)
        except JenkinsFailure as failure:
            return self._failure_page(request, failure)

    def _authenticate(self, request: Request) -> Caller:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                user_name, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except (ValueError, binascii.Error):
                raise JenkinsFailure(401, "Invalid authorization header") from None
            user = self.world.users.get(user_name)
            if user is not None and user.token and secrets.compare_digest(secret, user.token):
                return Caller(user, "token", self._session(request))
            if user is not None and user.password and secrets.compare_digest(secret, user.password):
                return Caller(user, "password", self._session(request))
            raise JenkinsFailure(
                401,
                f"Invalid password/token for user: {user_name}",
                headers={"WWW-Authenticate": 'Basic realm="Jenkins"'},
            )
        session = self._session(request)
        if session is not None:
            return Caller(self.world.users.get(self.sessions[session]), "session", session)
        return Caller(None, "anonymous")

    def _session(self, request: Request) -> str | None:
        session = request.cookies.get(SESSION_COOKIE)
        return session if session in self.sessions else None

    def _crumb(self, user: str, session: str) -> str:
        # DefaultCrumbIssuer hashes the user name and the HTTP session id (SECURITY-626).
        return hashlib.sha256(f"{self._salt}{user};{session}".encode()).hexdigest()

    def _check_crumb(self, request: Request, caller: Caller) -> None:
        if not self.world.scenario.csrf or caller.via == "token":
            return  # ApiCrumbExclusion: API-token requests need no crumb.
        sent = request.headers.get(CRUMB_FIELD.lower()) or request.first(CRUMB_FIELD, "form")
        expected = self._crumb(caller.name, caller.session) if caller.session else None
        if not sent or expected is None or not secrets.compare_digest(sent, expected):
            raise JenkinsFailure(403, "No valid crumb was included in the request")

    def _need(self, caller: Caller, permission: str) -> None:
        if caller.may(permission):
            return
        name = PERMISSIONS[permission]
        message = (
            "Authentication required"
            if caller.user is None
            else f"{caller.name} is missing the {PERMISSION_TITLES[permission]} permission"
        )
        raise JenkinsFailure(
            403,
            message,
            headers={
                "X-You-Are-Authenticated-As": caller.name,
                "X-You-Are-In-Group-Disabled": GROUP_HEADER_NOTE,
                "X-Required-Permission": name,
                "X-Permission-Implied-By": "hudson.model.Hudson.Administer",
            },
        )

    # -- routing ------------------------------------------------------------------

    def _route(self, request: Request, caller: Caller) -> Response:
        segments = [unquote(s) for s in request.path.split("/") if s]
        item: SimFolder | SimJob | None = None
        children = self.world.root
        while len(segments) >= 2 and segments[0] == "job":
            found = children.get(segments[1])
            if found is None:
                raise not_found()
            item, segments = found, segments[2:]
            children = found.children if isinstance(found, SimFolder) else {}
        if item is None:
            return self._route_root(request, caller, segments)
        if isinstance(item, SimFolder):
            if segments == ["api", "json"]:
                return self._api(request, self.export.folder(item))
            raise not_found()
        return self._route_job(request, caller, item, segments)

    def _route_root(self, request: Request, caller: Caller, segments: list[str]) -> Response:
        if not segments:
            return Response(200, b"<html><head><title>Dashboard [Jenkins]</title></head></html>")
        if segments == ["api", "json"]:
            return self._api(request, self.export.root_object())
        if segments == ["crumbIssuer", "api", "json"]:
            return self._issue_crumb(caller)
        if segments == ["queue", "api", "json"]:
            return self._api(request, self.export.queue())
        if (
            len(segments) == 5
            and segments[:2] == ["queue", "item"]
            and segments[3:] == ["api", "json"]
        ):
            item = self.world.queue_item(_int(segments[2]))
            if item is None:
                raise not_found()
            return self._api(request, self.export.queue_item(item))
        if segments == ["queue", "cancelItem"]:
            self._require_post(request)
            return self._cancel_item(request, caller)
        raise not_found()

    def _route_job(
        self, request: Request, caller: Caller, job: SimJob, rest: list[str]
    ) -> Response:
        if rest == ["api", "json"]:
            return self._api(request, self.export.job(job))
        if rest in (["build"], ["buildWithParameters"]):
            self._require_post(request)
            return self._trigger(request, caller, job, rest[0])
        if rest == ["wfapi", "runs"] and self._stage_view(job):
            return json_response([self.export.describe(b) for b in reversed(job.builds)])
        if rest:
            build = self._find_build(job, rest[0])
            if build is not None:
                return self._route_build(request, caller, build, rest[1:])
        raise not_found()

    def _find_build(self, job: SimJob, key: str) -> SimBuild | None:
        if key.isdigit():
            return next((b for b in job.builds if b.number == int(key)), None)
        test = PERMALINKS.get(key)
        matching = [b for b in job.builds if test(b)] if test else []
        return matching[-1] if matching else None

    def _route_build(
        self, request: Request, caller: Caller, build: SimBuild, rest: list[str]
    ) -> Response:
        if rest == ["api", "json"]:
            return self._api(request, self.export.build(build))
        if rest == ["consoleText"]:
            return Response(200, console_bytes(build), "text/plain;charset=UTF-8")
        if rest == ["logText", "progressiveText"]:
            return self._progressive_text(request, build)
        if rest and rest[0] in ("stop", "term", "kill") and len(rest) == 1:
            self._require_post(request)
            self._need(caller, "cancel")
            self.world.stop(build, caller.name)
            return redirect(request.headers.get("referer") or self.export.build(build)["url"])
        if len(rest) == 3 and rest[0] == "input":
            return self._input(request, caller, build, rest[1], rest[2])
        if rest[:1] == ["wfapi"] and self._stage_view(build.job):
            return self._wfapi(request, caller, build, rest[1:])
        raise not_found()

    def _stage_view(self, job: SimJob) -> bool:
        return self.world.scenario.stage_view and job.spec.kind == "pipeline"

    # -- endpoints ----------------------------------------------------------------

    def _api(self, request: Request, obj: dict[str, Any]) -> Response:
        tree = request.first("tree")
        if tree:
            try:
                data = prune_tree(obj, parse_tree(tree))
            except TreeSyntaxError as exc:
                raise JenkinsFailure(400, str(exc)) from None
        else:
            data = prune_depth(obj, _int(request.first("depth") or "0"))
        response = json_response(data)
        response.headers.update({"X-Content-Type-Options": "nosniff", "X-Frame-Options": "deny"})
        return response

    def _issue_crumb(self, caller: Caller) -> Response:
        if not self.world.scenario.csrf:
            raise not_found()
        headers = {}
        session = caller.session
        if session is None:
            session = secrets.token_hex(16)
            self.sessions[session] = caller.name
            headers["Set-Cookie"] = f"{SESSION_COOKIE}={session}; Path=/; HttpOnly"
        response = json_response(
            {
                "_class": "hudson.security.csrf.DefaultCrumbIssuer",
                "crumb": self._crumb(caller.name, session),
                "crumbRequestField": CRUMB_FIELD,
            }
        )
        response.headers.update(headers)
        return response

    def _cancel_item(self, request: Request, caller: Caller) -> Response:
        raw = request.first("id") or ""
        if not caller.may("cancel"):
            return Response(422, f"Item for id ({raw}) is not cancellable".encode())
        if not raw.isdigit() or not self.world.cancel(int(raw)):
            return Response(404, f"Provided id ({raw}) not found".encode())
        return Response(204)

    def _trigger(self, request: Request, caller: Caller, job: SimJob, endpoint: str) -> Response:
        self._need(caller, "build")
        if job.spec.disabled:
            raise JenkinsFailure(409, f"{job.full_name} is not buildable")
        delay = parse_delay(request.first("delay"))
        cause = {
            "_class": "hudson.model.Cause$UserIdCause",
            "shortDescription": f"Started by user {caller.name}",
            "userId": caller.name,
            "userName": caller.name,
        }
        if endpoint == "buildWithParameters":
            if not job.spec.parameters:
                raise JenkinsFailure(400, f"{job.full_name} is not parameterized", "failure")
            values = {k: v for k, v in request.query.items() if k not in RESERVED_QUERY}
            for name, given in request.form.items():
                values.setdefault(name, []).extend(given)
            item, merged = self.world.trigger(
                job, resolve(job.spec.parameters, values), cause, delay
            )
            # 303 when merged into an identical queued item (Jenkins 2.308+).
            return redirect(f"{self.root_url}queue/item/{item.id}/", 303 if merged else 201)
        if not job.spec.parameters:
            # `/build` answers 201 with the item's Location even when merged (JENKINS-66105).
            item, _ = self.world.trigger(job, None, cause, delay)
            return redirect(f"{self.root_url}queue/item/{item.id}/", 201)
        submitted = self._submitted_form(request)
        item, merged = self.world.trigger(
            job, submitted_values(job.spec.parameters, submitted), cause, delay
        )
        if merged:
            return redirect(f"{self.root_url}{item_path(job.full_name)}", 302)
        status = int(submitted.get("statusCode") or 201)
        return redirect(f"{self.root_url}queue/item/{item.id}/", status)

    def _submitted_form(self, request: Request) -> dict[str, Any]:
        """Stapler's getSubmittedForm: the `json` form field, or a 400."""
        raw = request.first("json", "form")
        if raw is None:
            others = {k for k in [*request.form, *request.query] if k not in RESERVED_QUERY}
            message = "This page expects a form submission" if others else "Nothing is submitted"
            raise JenkinsFailure(400, message, "failure")
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise JenkinsFailure(400, "Failed to parse JSON:" + raw[:80], "failure") from None
        if not isinstance(parsed, dict):
            raise JenkinsFailure(400, "This page expects a form submission", "failure")
        return parsed

    def _progressive_text(self, request: Request, build: SimBuild) -> Response:
        text = console_bytes(build)
        start = _int(request.first("start") or "0")
        if start > len(text):
            start = 0  # LargeText.doProgressText resets an offset beyond the end.
        headers = {"X-Text-Size": str(len(text))}
        if build.building:
            headers["X-More-Data"] = "true"
        return Response(200, text[start:], "text/plain;charset=UTF-8", headers)

    def _input(
        self, request: Request, caller: Caller, build: SimBuild, identifier: str, action: str
    ) -> Response:
        spec = build.job.spec.input
        # InputAction.getExecution matches the id exactly, with no normalisation.
        if spec is None or build.input_state == "none" or identifier != input_id(spec):
            raise not_found()
        if action not in ("proceed", "proceedEmpty", "abort", "submit"):
            raise not_found()
        self._require_post(request)
        aborting = action == "abort" or (action == "submit" and "proceed" not in request.form)
        self._check_submitter(caller, spec.submitter, aborting)
        if build.input_state != "waiting":
            raise JenkinsFailure(400, "This input has been already given", "failure")
        if aborting:
            self.world.abort_input(build, caller.name)
        elif action == "proceedEmpty":
            self.world.proceed(build, {}, caller.name)
        else:
            values = input_values(spec.parameters, self._submitted_form(request))
            self.world.proceed(build, values, caller.name)
        if action == "submit":
            return redirect(f"{self.export.build(build)['url']}console", 302)
        return Response(200)

    def _check_submitter(self, caller: Caller, submitter: str, aborting: bool) -> None:
        allowed = {name.strip().lower() for name in submitter.split(",") if name.strip()}
        if caller.may("admin"):
            return
        if allowed:
            if caller.name.lower() in allowed or (aborting and caller.may("cancel")):
                return
            suffix = (
                " (or have Job/Cancel permissions) to cancel this."
                if aborting
                else " to submit this."
            )
            raise JenkinsFailure(400, f"You need to be {submitter}{suffix}", "failure")
        if not caller.may("build") and not (aborting and caller.may("cancel")):
            raise JenkinsFailure(
                400, "You need to have Job/Build permissions to submit this.", "failure"
            )

    def _wfapi(
        self, request: Request, caller: Caller, build: SimBuild, rest: list[str]
    ) -> Response:
        if rest == ["describe"]:
            return json_response(self.export.describe(build))
        if rest == ["pendingInputActions"]:
            return json_response(self.export.pending_input_actions(build))
        if rest == ["nextPendingInputAction"]:
            pending = self.export.pending_input_actions(build)
            return json_response(pending[0] if pending else None)
        if rest == ["inputSubmit"]:
            identifier = request.first("inputId") or ""
            return self._input(request, caller, build, identifier, "proceed")
        raise not_found()

    def _require_post(self, request: Request) -> None:
        if request.method != "POST":
            raise JenkinsFailure(405, "This URL requires POST", headers={"Allow": "POST"})

    # -- pages --------------------------------------------------------------------

    def _failure_page(self, request: Request, failure: JenkinsFailure) -> Response:
        message = html.escape(failure.message)
        if failure.style == "failure":
            # hudson.model.Failure renders error.jelly, which forces status 400.
            body = (
                "<!DOCTYPE html><html><head><title>Jenkins</title></head><body>"
                f'<div id="main-panel"><h1>Error</h1><p>{message}</p></div></body></html>'
            )
            status = 400
        elif failure.style == "exception":
            body = (
                "<!DOCTYPE html><html><head><title>Jenkins [Jenkins]</title></head><body>"
                '<div id="main-panel"><h1>Oops!</h1><p>A problem occurred while processing '
                f"the request.</p><pre>{message}\n\tat hudson.model.ParametersDefinitionProperty"
                "._doBuild(ParametersDefinitionProperty.java:172)</pre></div></body></html>"
            )
            status = failure.status
        else:
            body = (
                f"<html><head><title>Error {failure.status} {message}</title></head><body>"
                f"<h2>HTTP ERROR {failure.status} {message}</h2><table>"
                f"<tr><th>URI:</th><td>{html.escape(request.path)}</td></tr>"
                f"<tr><th>STATUS:</th><td>{failure.status}</td></tr>"
                f"<tr><th>MESSAGE:</th><td>{message}</td></tr></table><hr/>"
                '<a href="https://jetty.org/">Powered by Jetty:// 12.0.16</a></body></html>'
            )
            status = failure.status
        return Response(status, body.encode(), headers=dict(failure.headers))


def not_found() -> JenkinsFailure:
    return JenkinsFailure(404, "Not Found")


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, headers={"Location": location})


def json_response(data: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(200, body, "application/json;charset=utf-8")


def _int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise JenkinsFailure(400, f"not a number: {raw}") from None


def parse_delay(raw: str | None) -> float | None:
    """TimeDuration.fromString: `Nsec`/`Nsecs` are seconds; a bare number is milliseconds."""
    if raw is None:
        return None
    text, multiplier = raw.strip(), 0.001
    if text.endswith(("sec", "secs")):
        text, multiplier = text[: text.rindex("sec")].strip(), 1.0
    try:
        return max(int(text), 0) * multiplier
    except ValueError:
        raise illegal_argument(f"Invalid duration value: {raw}") from None


def resolve(definitions: list[ParameterSpec], values: dict[str, list[str]]) -> Parameters:
    """buildWithParameters: each definition's createValue(req); undefined names ignored."""
    resolved: Parameters = []
    for spec in definitions:
        given = values.get(spec.name)
        if given is not None and len(given) > 1:
            raise illegal_argument(f"Parameter {spec.name} was specified more than once")
        resolved.append((spec, value_of(spec, given[0] if given else None)))
    return resolved


def value_of(spec: ParameterSpec, raw: str | None) -> SimValue:
    if spec.type in ("file", "run"):
        return None
    if raw is None or (spec.type == "git" and raw == ""):
        if spec.type == "git" and spec.required:
            raise JenkinsFailure(400, f"Parameter {spec.name} is required", "failure")
        return spec.default
    if spec.type == "choice" and raw not in spec.choices:
        raise illegal_argument(f"Illegal choice for parameter {spec.name}: {raw}")
    if spec.type == "git" and spec.choices and raw not in spec.choices:
        raise JenkinsFailure(400, f"Invalid value for parameter {spec.name}: {raw}", "failure")
    if spec.type == "boolean":
        return raw.strip().lower() == "true"
    return raw


def submitted_values(definitions: list[ParameterSpec], form: dict[str, Any]) -> Parameters:
    """`/build` with `json`: only the submitted names, never defaulted."""
    by_name = {spec.name: spec for spec in definitions}
    resolved: Parameters = []
    for entry in _entries(form):
        spec = by_name.get(entry[0])
        if spec is None:
            raise illegal_argument(f"No such parameter definition: {entry[0]}")
        resolved.append((spec, value_of(spec, _as_text(entry[1]))))
    return resolved


def input_values(definitions: list[ParameterSpec], form: dict[str, Any]) -> dict[str, SimValue]:
    """InputStepExecution.parseValue: submitted names only; omitted ones are NOT defaulted."""
    by_name = {spec.name: spec for spec in definitions}
    values: dict[str, SimValue] = {}
    for name, value in _entries(form):
        spec = by_name.get(name)
        if spec is None:
            raise illegal_argument(f"No such parameter definition: {name}")
        values[name] = value_of(spec, _as_text(value))
    return values


def _entries(form: dict[str, Any]) -> list[tuple[str, Any]]:
    parameters = form.get("parameter", [])
    if isinstance(parameters, dict):
        parameters = [parameters]
    if not isinstance(parameters, list):
        raise JenkinsFailure(400, "parameter must be a list", "failure")
    entries = []
    for entry in parameters:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise JenkinsFailure(400, "each parameter needs a name", "failure")
        entries.append((entry["name"], entry.get("value")))
    return entries


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
