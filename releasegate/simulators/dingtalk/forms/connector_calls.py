"""Calls to ReleaseGate's connector actions, made as DingTalk's connector platform makes
them, and the record of every one.

Each action is `POST <connector url><path>` with a JSON body (docs/dingtalk-setup.md
section 2), authenticated as the connector's 鉴权方式 says (reference section 1.3): API
Secret adds `x-ddpaas-signature-timestamp` and `x-ddpaas-signature`, Basic Auth an
`Authorization` header, `none` nothing. The platform parses the answer by the output
declared for the action, so an answer that is not JSON, or not of the declared shape,
fails the call just as an HTTP error or a timeout does.

The signature's timestamp is wall-clock seconds, not the simulator's clock: ReleaseGate
checks it against its own clock, and moving the simulator's clock must not look like
clock skew (pushes.py does the same).
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import httpx

from releasegate.integrations.dingtalk.crypto import api_secret_signature
from releasegate.simulators.dingtalk.settings import ConnectorAuth, NodeMode, SimSettings
from releasegate.simulators.dingtalk.wire import Clock

Action = Literal["projects", "applications", "parameters", "validate", "approved"]
# The actions' paths as the setup guide has them: no trailing slashes.
ACTION_PATHS: dict[Action, str] = {
    "projects": "dingtalk/connector/projects",
    "applications": "dingtalk/connector/applications",
    "parameters": "dingtalk/connector/parameters",
    "validate": "dingtalk/connector/validate",
    "approved": "dingtalk/connector/approved",
}
AUTH_TYPES: tuple[ConnectorAuth, ...] = ("apisecret", "basic", "none")
NODE_MODES: tuple[NodeMode, ...] = ("none", "sync", "async")
CALL_LOG_SIZE = 10_000
_RESPONSE_TEXT_LIMIT = 2000

# Checks an answer against the action's declared output: None when it fits, else why not.
ShapeCheck = Callable[[Any], str | None]


@cache
def _tls() -> ssl.SSLContext:
    # One context for every simulator: building one loads the CA bundle (~35 ms).
    return ssl.create_default_context()


@dataclass
class ConnectorConfig:
    """The connector as configured in 连接平台 and bound in the designers; changeable at
    runtime through the control API."""

    url: str | None
    auth: ConnectorAuth
    secret: str
    node: NodeMode
    timeout: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "auth": self.auth,
            # Never shown: knowing whether one is set is enough for a person or a test.
            "secret_set": bool(self.secret),
            "node": self.node,
            "timeout": self.timeout,
        }


@dataclass
class ConnectorCall:
    """One HTTP call to an action, as made and as answered."""

    id: int
    action: Action
    # What made the call: "form load", "control change: 项目名称", "form submit", "node".
    trigger: str
    # The form session's id, or the approval instance's for the node.
    subject: str
    attempt: int
    at_ms: int
    url: str
    request_headers: dict[str, str]
    request_body: dict[str, Any]
    status: int | None = None
    response_body: Any = None
    outcome: str = ""
    duration_ms: float = 0.0
    answer: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "trigger": self.trigger,
            "subject": self.subject,
            "attempt": self.attempt,
            "at_ms": self.at_ms,
            "url": self.url,
            "request": {"headers": self.request_headers, "body": self.request_body},
            "response": {"status": self.status, "body": self.response_body},
            "outcome": self.outcome,
            "ok": self.ok,
            "duration_ms": round(self.duration_ms, 1),
        }


class ConnectorCaller:
    """Makes and records connector calls. Has its own lock; never takes the world's, so
    calls run while the rest of the simulator goes on."""

    def __init__(self, settings: SimSettings, clock: Clock) -> None:
        self.config = ConnectorConfig(
            url=settings.connector_url,
            auth=settings.connector_auth,
            secret=settings.connector_secret,
            node=settings.connector_node,
            timeout=settings.connector_timeout,
        )
        self._clock = clock
        self._lock = threading.Lock()
        self._calls: list[ConnectorCall] = []
        self._next_id = 1
        self._http = httpx.Client(verify=_tls())

    # -- configuration ---------------------------------------------------------------

    def configure(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply `changes` (url, auth, secret, node, timeout; absent keys stay) and return
        the configuration; `ValueError` names a value that cannot be used."""
        with self._lock:
            config = self.config
            url = changes.get("url", config.url) or None
            auth = changes.get("auth", config.auth)
            node = changes.get("node", config.node)
            secret = changes.get("secret", config.secret)
            timeout = changes.get("timeout", config.timeout)
            if auth not in AUTH_TYPES:
                raise ValueError(f"auth must be one of {', '.join(AUTH_TYPES)}")
            if node not in NODE_MODES:
                raise ValueError(f"node must be one of {', '.join(NODE_MODES)}")
            if not isinstance(secret, str):
                raise ValueError("secret must be text")
            if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
                raise ValueError("timeout must be a positive number of seconds")
            if url is not None and not str(url).startswith(("http://", "https://")):
                raise ValueError("url must start with http:// or https://")
            self.config = ConnectorConfig(url, auth, secret, node, float(timeout))
            return self.config.as_dict()

    def settings(self) -> dict[str, Any]:
        with self._lock:
            return self.config.as_dict()

    def node_mode(self) -> NodeMode:
        """The node new instances get: none without a connector to call."""
        with self._lock:
            return self.config.node if self.config.url else "none"

    # -- the record ------------------------------------------------------------------

    def calls(self, action: str | None = None, subject: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                call.as_dict()
                for call in self._calls
                if (action is None or call.action == action)
                and (subject is None or call.subject == subject)
            ]

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()

    def close(self) -> None:
        self._http.close()

    # -- one call --------------------------------------------------------------------

    def call(
        self,
        action: Action,
        body: dict[str, Any],
        *,
        trigger: str,
        subject: str,
        check: ShapeCheck,
        attempt: int = 1,
    ) -> ConnectorCall:
        """Make one call and record it. Never raises for the other side's failures: the
        returned call's `outcome` is "ok" or says what went wrong, and `answer` holds the
        decoded JSON answer when the call is ok."""
        with self._lock:
            config = self.config
            headers = _auth_headers(config)
            call = ConnectorCall(
                id=self._next_id,
                action=action,
                trigger=trigger,
                subject=subject,
                attempt=attempt,
                at_ms=self._clock.now_ms(),
                url=_action_url(config.url, action),
                request_headers=_shown(headers),
                request_body=body,
            )
            self._next_id += 1
            self._calls.append(call)
            del self._calls[:-CALL_LOG_SIZE]
        started = time.monotonic()
        reply = self._send(call.url, body, headers, config.timeout)
        outcome = reply.problem or _answer_problem(reply, check)
        with self._lock:
            call.status, call.response_body = reply.status, reply.body
            call.outcome = outcome or "ok"
            call.answer = None if outcome else reply.body
            call.duration_ms = (time.monotonic() - started) * 1000
        return call

    def _send(
        self, url: str, body: dict[str, Any], headers: dict[str, str], timeout: float
    ) -> _Reply:
        if not url:
            return _Reply(problem="no connector URL configured")
        try:
            response = self._http.post(
                url,
                content=json.dumps(body, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json; charset=utf-8", **headers},
                timeout=timeout,
            )
        except httpx.TimeoutException:
            return _Reply(problem=f"no answer within {timeout:g} s")
        except httpx.TransportError as exc:
            return _Reply(problem=f"connection failed: {type(exc).__name__}")
        try:
            return _Reply(response.status_code, response.json(), is_json=True)
        except ValueError:
            return _Reply(response.status_code, response.text[:_RESPONSE_TEXT_LIMIT])


@dataclass(frozen=True)
class _Reply:
    """What came back: the status and the body (decoded when it is JSON), or why
    nothing did."""

    status: int | None = None
    body: Any = None
    is_json: bool = False
    problem: str = ""


def _answer_problem(reply: _Reply, check: ShapeCheck) -> str:
    """Why the platform would not take this answer, or "" when it would."""
    status = reply.status or 0
    if not 200 <= status < 300:
        error = reply.body.get("error") if isinstance(reply.body, dict) else None
        return f"HTTP {status}: {error}" if isinstance(error, str) and error else f"HTTP {status}"
    if not reply.is_json:
        return "the answer is not JSON"
    return check(reply.body) or ""


def _action_url(base: str | None, action: Action) -> str:
    if base is None:
        return ""
    return f"{base.rstrip('/')}/{ACTION_PATHS[action]}"


def _auth_headers(config: ConnectorConfig) -> dict[str, str]:
    if config.auth == "apisecret":
        timestamp = str(int(time.time()))
        return {
            "x-ddpaas-signature-timestamp": timestamp,
            "x-ddpaas-signature": api_secret_signature(config.secret, timestamp),
        }
    if config.auth == "basic":
        # CONCATENATE('BASIC',BASE64(CONCATENATE(u,':',p))) in the platform's own words.
        encoded = base64.b64encode(config.secret.encode("utf-8")).decode("ascii")
        return {"Authorization": f"Basic {encoded}"}
    return {}


def _shown(headers: dict[str, str]) -> dict[str, str]:
    """The headers as recorded: a Basic password is a lasting secret and stays out. An
    API Secret signature is kept: it covers only its timestamp and is what a reader of
    the record wants to check."""
    return {
        name: "Basic ***" if name == "Authorization" else value for name, value in headers.items()
    }
